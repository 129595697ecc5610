using System.Text.Json;
using System.Text.Json.Serialization;

namespace Provenance.Witness;

/// <summary>The latest checkpoint a witness cosigned for one log: its size, root hash and signed note as the log sent it.</summary>
public sealed record WitnessedCheckpoint(ulong Size, string RootHash, string Note);

/// <summary>
/// The witness's durable state, in a directory it owns: <c>state.json</c>, the latest checkpoint
/// cosigned per log origin, replaced as a whole (written beside, flushed to disk, then renamed
/// over the old one, so a crash leaves the old state or the new, never a mix); and
/// <c>split-views.ndjson</c>, one line per refused checkpoint that contradicts a cosigned one.
/// A lock file keeps a second witness process off the same directory.
/// </summary>
internal sealed class WitnessState : IDisposable
{
    private const string StateFile = "state.json";
    private const string EvidenceFile = "split-views.ndjson";
    // Notes hold base64 ('+') and em dashes: written as they are, so the files read as the notes do.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Line = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _directory;
    private readonly FileStream _lock;
    private readonly Dictionary<string, WitnessedCheckpoint> _logs;

    private WitnessState(string directory, FileStream lockFile, Dictionary<string, WitnessedCheckpoint> logs)
    {
        (_directory, _lock, _logs) = (directory, lockFile, logs);
    }

    /// <summary>Opens (or creates) the state in <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">Another witness holds the directory, or the state can't be read.</exception>
    public static WitnessState Open(string directory)
    {
        Directory.CreateDirectory(directory);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(directory, "witness.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"Another witness is using the state directory '{directory}'.", e);
        }

        try
        {
            var path = Path.Combine(directory, StateFile);
            var logs = File.Exists(path)
                ? JsonSerializer.Deserialize<StateDocument>(File.ReadAllBytes(path), Json)?.Logs ?? throw new IOException($"'{path}' is not a witness state.")
                : [];
            return new WitnessState(directory, lockFile, new Dictionary<string, WitnessedCheckpoint>(logs, StringComparer.Ordinal));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            lockFile.Dispose();
            throw new IOException($"The witness state in '{directory}' can't be read: {e.Message}", e);
        }
    }

    /// <summary>The latest checkpoint cosigned for <paramref name="origin"/>, or null.</summary>
    public WitnessedCheckpoint? Latest(string origin) => _logs.GetValueOrDefault(origin);

    /// <summary>Every log's latest cosigned checkpoint.</summary>
    public IReadOnlyDictionary<string, WitnessedCheckpoint> All => _logs;

    /// <summary>Records <paramref name="checkpoint"/> as the latest for <paramref name="origin"/>, durably, before returning.</summary>
    public void Save(string origin, WitnessedCheckpoint checkpoint)
    {
        var next = new Dictionary<string, WitnessedCheckpoint>(_logs, StringComparer.Ordinal) { [origin] = checkpoint };
        var path = Path.Combine(_directory, StateFile);
        var temporary = path + ".new";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, new StateDocument(next), Json);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        _logs[origin] = checkpoint;
    }

    /// <summary>Appends evidence of a split view: the cosigned checkpoint and the one that contradicts it.</summary>
    public void RecordSplitView(string origin, WitnessedCheckpoint cosigned, string offeredNote, DateTimeOffset at)
    {
        var line = JsonSerializer.Serialize(new SplitView(origin, at, cosigned.Size, cosigned.Note, offeredNote), Line) + "\n";
        using var file = new FileStream(Path.Combine(_directory, EvidenceFile), FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(System.Text.Encoding.UTF8.GetBytes(line));
        file.Flush(flushToDisk: true);
    }

    public void Dispose() => _lock.Dispose();

    private sealed record StateDocument([property: JsonPropertyName("logs")] Dictionary<string, WitnessedCheckpoint> Logs);

    private sealed record SplitView(string Origin, DateTimeOffset RecordedAt, ulong Size, string CosignedNote, string OfferedNote);
}
