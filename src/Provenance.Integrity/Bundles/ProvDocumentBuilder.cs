using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// Builds a bundle's <c>prov.json</c>, the W3C PROV-JSON document of the lineage, from its
/// canonical envelopes alone (the mapping is the table in docs/audit-bundle-format.md). Feed it
/// every envelope in log order, then call <see cref="WriteCanonicalAsync"/> or <see cref="ToCanonicalJson"/>.
/// It keeps only the facts the document needs, never the events themselves.
/// </summary>
/// <remarks>
/// <para>
/// Event data is read by member name (camelCase, enums as kebab-case strings, as the ledger
/// records it); a member that is missing or of another type is left out rather than refused, as
/// the document is a derived view and the events are the evidence. Other event types are ignored.
/// </para>
/// <para>
/// #22: the facts that grow with the ledger (each dataset, dataset version, derivation and parent)
/// are fixed-size records sorted in bounded memory, spilled to temporary files when they outgrow
/// a few megabytes, and merged in document order while it is written; a dataset's name, a code
/// reference and a fingerprint of an unusual form are kept in a temporary file too. What stays in
/// memory grows with the ledger's models and protocols, not its data: models, training runs, IRB
/// protocols and what they cover, and the strings that repeat across datasets (stewards,
/// institutions, transformations).
/// </para>
/// <para>
/// Should envelopes repeat a fact, the last registration of a dataset and the last contribution
/// or derivation of a version give its attributes, and a version derived twice has the parents of
/// both (a ledger records each version once: its stream's version).
/// </para>
/// <para>Once written, no envelope can be added. Dispose the builder to delete its temporary files.</para>
/// </remarks>
public sealed partial class ProvDocumentBuilder : IDisposable
{
    /// <summary>The memory each kind of record may fill before it is written out as a sorted run.</summary>
    /// <remarks>1 MB (#22): a run's buffer is a large-object array; runs of 4 MB held 46 MB at 5M events instead of 28.</remarks>
    internal const int DefaultRunBytes = 1 << 20;

    private const string FingerprintPrefix = "sha256:";

    private static readonly System.Buffers.SearchValues<char> LowercaseHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static readonly HashSet<string> DescribedTypes =
    [
        LedgerEventTypes.DatasetRegistered, LedgerEventTypes.DatasetVersionContributed, LedgerEventTypes.DatasetVersionDerived,
        LedgerEventTypes.ModelRegistered, LedgerEventTypes.TrainingRunRecorded, LedgerEventTypes.IrbProtocolApproved, LedgerEventTypes.IrbProtocolAmended,
    ];

    private readonly string _spillDirectory;
    private readonly int _runBytes;
    private readonly SpillingSorter<DatasetRecord> _datasets;
    private readonly SpillingSorter<Mention> _mentions;
    private readonly SpillingSorter<DerivationRecord> _derivations;
    private readonly SpillingSorter<ParentPair> _parents;
    private readonly SpilledText _texts;
    private readonly Dictionary<Guid, ModelFacts> _models = [];
    private readonly Dictionary<Guid, RunFacts> _runs = [];
    private readonly SpillingSorter<Coverage> _coverage;

    // IRB protocols by number, and each one's IRB; what they cover is spilled, as it grows with the datasets.
    private readonly Dictionary<Guid, int> _protocols = [];
    private readonly List<string?> _irbs = [];

    // Stewards, institutions and transformations repeat across thousands of datasets: each is kept once, by number.
    private readonly List<string> _strings = [];
    private readonly Dictionary<string, int> _stringNumbers = new(StringComparer.Ordinal);
    private bool _sealed;

    /// <summary>A builder whose temporary files, if it needs any, are made in the system's temporary folder.</summary>
    public ProvDocumentBuilder()
        : this(Path.GetTempPath(), DefaultRunBytes)
    {
    }

    internal ProvDocumentBuilder(string spillDirectory, int runBytes)
    {
        _spillDirectory = spillDirectory;
        _runBytes = runBytes;
        _datasets = new SpillingSorter<DatasetRecord>(DatasetRecord.Order, runBytes, spillDirectory);
        _mentions = new SpillingSorter<Mention>(Mention.Order, runBytes, spillDirectory);
        _derivations = new SpillingSorter<DerivationRecord>(DerivationRecord.Order, runBytes, spillDirectory);
        _parents = new SpillingSorter<ParentPair>(Comparer<ParentPair>.Default, runBytes, spillDirectory);
        _coverage = new SpillingSorter<Coverage>(Comparer<Coverage>.Default, runBytes, spillDirectory);
        _texts = new SpilledText(runBytes, spillDirectory);
    }

    /// <summary>How many envelopes were added.</summary>
    public long EventCount { get; private set; }

    /// <summary>How many sorted runs went to disk so far (none while the facts fit in memory).</summary>
    internal int SpilledRuns => _datasets.Runs + _mentions.Runs + _derivations.Runs + _parents.Runs + _coverage.Runs;

    /// <summary>Adds one canonical envelope (a line of <c>events.ndjson</c>, without its LF).</summary>
    /// <exception cref="ArgumentException">The bytes are not a JSON object with a string <c>type</c> and an object <c>data</c>.</exception>
    /// <exception cref="InvalidOperationException">The document has already been written.</exception>
    public void Add(ReadOnlyMemory<byte> canonicalEnvelope)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(canonicalEnvelope);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The envelope is not JSON: {e.Message}", nameof(canonicalEnvelope), e);
        }

        using (document)
        {
            Add(document.RootElement);
        }
    }

    /// <summary>Whether events of this type add to the document (others can be left out of <see cref="Add(ReadOnlyMemory{byte})"/>).</summary>
    public static bool Describes(string eventType) => DescribedTypes.Contains(eventType);

    /// <summary>Deletes the temporary files.</summary>
    public void Dispose()
    {
        _datasets.Dispose();
        _mentions.Dispose();
        _derivations.Dispose();
        _parents.Dispose();
        _coverage.Dispose();
        _texts.Dispose();
    }

    /// <summary>Adds one parsed envelope.</summary>
    internal void Add(JsonElement envelope)
    {
        if (_sealed)
        {
            throw new InvalidOperationException("The document has been written: no envelope can be added.");
        }

        if (envelope.ValueKind != JsonValueKind.Object
            || !envelope.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || !envelope.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("An envelope is a JSON object with a string type and an object data.", nameof(envelope));
        }

        var sequence = ++EventCount;
        switch (type.GetString())
        {
            case LedgerEventTypes.DatasetRegistered:
                if (Id(data, "datasetId") is { } registered)
                {
                    _datasets.Add(new DatasetRecord(
                        GuidOrder(registered), sequence, _texts.Add(Text(data, "name")), Number(Text(data, "steward")), Number(Text(data, "sourceInstitution"))));
                }

                break;
            case LedgerEventTypes.DatasetVersionContributed:
                if (VersionOf(data) is { } contributed)
                {
                    _mentions.Add(Contribution(contributed, sequence, Text(data, "fingerprint"), Number(data, "recordCount")));
                }

                break;
            case LedgerEventTypes.DatasetVersionDerived:
                if (VersionOf(data) is { } derived)
                {
                    _derivations.Add(new DerivationRecord(derived, sequence, Number(Text(data, "transformation")), _texts.Add(Text(data, "codeReference"))));
                    _mentions.Add(Mention.Of(derived));
                    foreach (var parent in Versions(data, "parents"))
                    {
                        _parents.Add(new ParentPair(derived, parent));
                        _mentions.Add(Mention.Of(parent));
                    }
                }

                break;
            case LedgerEventTypes.ModelRegistered:
                if (Id(data, "modelId") is { } model)
                {
                    _models[model] = new ModelFacts(Text(data, "name"), Text(data, "owner"));
                }

                break;
            case LedgerEventTypes.TrainingRunRecorded:
                if (Id(data, "runId") is { } run && Id(data, "modelId") is { } runModel && Text(data, "modelVersion") is { } modelVersion)
                {
                    _runs[run] = new RunFacts(runModel, modelVersion, Text(data, "startedAt"), Text(data, "finishedAt"), [.. Versions(data, "inputs")]);
                }

                break;
            case LedgerEventTypes.IrbProtocolApproved:
            case LedgerEventTypes.IrbProtocolAmended:
                AddProtocolTerms(data);
                break;
        }
    }

    private Mention Contribution(VersionKey version, long sequence, string? fingerprint, long? recordCount)
    {
        var mention = new Mention { Key = version, Sequence = sequence, Flags = MentionFlags.Contributed, Text = TextRef.Null };
        if (recordCount is { } records)
        {
            mention.RecordCount = records;
            mention.Flags |= MentionFlags.HasRecordCount;
        }

        // The ledger's fingerprints ("sha256:" and 64 lowercase hex digits) are kept as their 32 bytes; any other string is kept as it is.
        if (fingerprint is not null)
        {
            if (IsLowercaseSha256(fingerprint))
            {
                Convert.FromHexString(fingerprint.AsSpan(FingerprintPrefix.Length), mention.Sha256, out _, out _);
                mention.Flags |= MentionFlags.HasSha256;
            }
            else
            {
                mention.Text = _texts.Add(fingerprint);
            }
        }

        return mention;
    }

    private static bool IsLowercaseSha256(string fingerprint) =>
        fingerprint.Length == FingerprintPrefix.Length + 64
        && fingerprint.StartsWith(FingerprintPrefix, StringComparison.Ordinal)
        && !fingerprint.AsSpan(FingerprintPrefix.Length).ContainsAnyExcept(LowercaseHex);

    private string? Fingerprint(in Mention mention) =>
        (mention.Flags & MentionFlags.HasSha256) != 0
            ? FingerprintPrefix + Convert.ToHexStringLower(mention.Sha256)
            : _texts.Read(mention.Text);

    private void AddProtocolTerms(JsonElement data)
    {
        if (Id(data, "protocolId") is not { } protocolId)
        {
            return;
        }

        if (!_protocols.TryGetValue(protocolId, out var protocol))
        {
            protocol = _irbs.Count;
            _protocols[protocolId] = protocol;
            _irbs.Add(null);
        }

        _irbs[protocol] ??= Text(data, "irbName");

        // An amendment changes the terms from a date on: runs are associated with the IRB of every
        // protocol whose terms, as approved or amended, covered one of their datasets.
        if (data.TryGetProperty("terms", out var terms) && terms.ValueKind == JsonValueKind.Object
            && terms.TryGetProperty("coveredDatasetIds", out var covered) && covered.ValueKind == JsonValueKind.Array)
        {
            foreach (var dataset in covered.EnumerateArray())
            {
                if (dataset.ValueKind == JsonValueKind.String && Guid.TryParse(dataset.GetString(), out var id))
                {
                    _coverage.Add(new Coverage(GuidOrder(id), protocol));
                }
            }
        }
    }

    // A repeating string's number (-1 for null).
    private int Number(string? text)
    {
        if (text is null)
        {
            return -1;
        }

        if (!_stringNumbers.TryGetValue(text, out var number))
        {
            number = _strings.Count;
            _strings.Add(text);
            _stringNumbers[text] = number;
        }

        return number;
    }

    private string? StringOf(int number) => number < 0 ? null : _strings[number];

    private static VersionKey? VersionOf(JsonElement data) =>
        Id(data, "datasetId") is { } dataset && Number(data, "version") is { } version ? VersionKey.Of(dataset, version) : null;

    private static List<VersionKey> Versions(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var versions = new List<VersionKey>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && VersionOf(item) is { } version)
            {
                versions.Add(version);
            }
        }

        return versions;
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static Guid? Id(JsonElement data, string name) =>
        Text(data, name) is { } text && Guid.TryParse(text, out var id) ? id : null;

    /// <summary>A GUID in the order of its lowercase hyphenated form (the form identifiers spell it in): its bytes, big-endian.</summary>
    private static UInt128 GuidOrder(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static Guid GuidOf(UInt128 order)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, order);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>
    /// A dataset version, ordered as its identifier <c>ledger:dataset-version/&lt;dataset&gt;/&lt;version&gt;</c>
    /// sorts: the dataset as its bytes, then the version as the decimal digits the identifier spells
    /// ("10" before "9"), each character a 4-bit code from the most significant end (0 pads, so a
    /// shorter spelling sorts first, as a string prefix does).
    /// </summary>
    private readonly record struct VersionKey(UInt128 Dataset, UInt128 Digits) : IComparable<VersionKey>
    {
        public Guid DatasetId => GuidOf(Dataset);

        public string Id => $"ledger:dataset-version/{DatasetId:D}/{VersionText}";

        public string VersionText
        {
            get
            {
                Span<char> text = stackalloc char[32];
                var length = 0;
                for (; length < 32; length++)
                {
                    var code = (int)((Digits >> (124 - (4 * length))) & 0xF);
                    if (code == 0)
                    {
                        break;
                    }

                    text[length] = code == 1 ? '-' : (char)('0' + code - 2);
                }

                return new string(text[..length]);
            }
        }

        public static VersionKey Of(Guid dataset, long version)
        {
            Span<char> text = stackalloc char[20];
            version.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
            UInt128 digits = 0;
            for (var i = 0; i < length; i++)
            {
                UInt128 code = text[i] == '-' ? 1u : (uint)(text[i] - '0' + 2);
                digits |= code << (124 - (4 * i));
            }

            return new VersionKey(GuidOrder(dataset), digits);
        }

        public int CompareTo(VersionKey other) =>
            Dataset != other.Dataset ? Dataset.CompareTo(other.Dataset) : Digits.CompareTo(other.Digits);
    }

    /// <summary>A dataset as registered: its name kept in the text file, its steward and institution by number.</summary>
    private readonly record struct DatasetRecord(UInt128 Dataset, long Sequence, TextRef Name, int Steward, int Institution)
    {
        public static IComparer<DatasetRecord> Order { get; } = Comparer<DatasetRecord>.Create(static (x, y) =>
            x.Dataset != y.Dataset ? x.Dataset.CompareTo(y.Dataset) : x.Sequence.CompareTo(y.Sequence));
    }

    [Flags]
    private enum MentionFlags : byte
    {
        None = 0,
        Contributed = 1,
        HasRecordCount = 2,
        HasSha256 = 4,
    }

    [InlineArray(32)]
    private struct Sha256Bytes
    {
        private byte _byte;
    }

    /// <summary>A dataset version the document describes: contributed (with its facts), derived, a parent, or a training input.</summary>
    private struct Mention
    {
        public VersionKey Key;
        public long Sequence;
        public long RecordCount;
        public Sha256Bytes Sha256;
        public TextRef Text;
        public MentionFlags Flags;

        public static IComparer<Mention> Order { get; } = Comparer<Mention>.Create(static (x, y) =>
            x.Key.CompareTo(y.Key) is var order and not 0 ? order : x.Sequence.CompareTo(y.Sequence));

        public static Mention Of(VersionKey version) => new() { Key = version, Text = TextRef.Null };
    }

    // The transformation repeats (a handful of kinds); a code reference is often a commit of its own, so it is kept in the text file.
    private readonly record struct DerivationRecord(VersionKey Key, long Sequence, int Transformation, TextRef CodeReference)
    {
        public static IComparer<DerivationRecord> Order { get; } = Comparer<DerivationRecord>.Create(static (x, y) =>
            x.Key.CompareTo(y.Key) is var order and not 0 ? order : x.Sequence.CompareTo(y.Sequence));
    }

    private readonly record struct ParentPair(VersionKey Derived, VersionKey Parent) : IComparable<ParentPair>
    {
        public int CompareTo(ParentPair other) =>
            Derived.CompareTo(other.Derived) is var order and not 0 ? order : Parent.CompareTo(other.Parent);
    }

    private sealed record ModelFacts(string? Name, string? Owner);

    private sealed record RunFacts(Guid Model, string ModelVersion, string? StartedAt, string? FinishedAt, VersionKey[] Inputs);

    /// <summary>A dataset an IRB protocol's terms cover, as approved or amended.</summary>
    private readonly record struct Coverage(UInt128 Dataset, int Protocol) : IComparable<Coverage>
    {
        public int CompareTo(Coverage other) => Dataset != other.Dataset ? Dataset.CompareTo(other.Dataset) : Protocol.CompareTo(other.Protocol);
    }
}
