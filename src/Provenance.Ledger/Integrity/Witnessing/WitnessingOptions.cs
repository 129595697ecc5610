using Microsoft.Extensions.Options;
using Provenance.Integrity.Witnessing;

namespace Provenance.Ledger.Integrity.Witnessing;

/// <summary>A witness the ledger submits its checkpoints to: where it listens, and its verifier key.</summary>
public sealed class WitnessEndpoint
{
    /// <summary>Its submission prefix: <c>add-checkpoint</c> is posted under it (e.g. http://127.0.0.1:7380).</summary>
    public string? Url { get; set; }

    /// <summary>Its cosignature/v1 verifier key, <c>name+keyid+base64(0x04 || key)</c>.</summary>
    public string? Key { get; set; }
}

/// <summary>
/// The witnesses the ledger's checkpoints are cosigned by (<c>Provenance:Witnessing</c>; #17,
/// docs/operations.md "Witnesses"), and how many of them make a checkpoint published.
/// </summary>
internal sealed class WitnessingOptions
{
    public const string Section = "Provenance:Witnessing";

    /// <summary>The witnesses, each with its URL and key.</summary>
    public List<WitnessEndpoint> Witnesses { get; set; } = [];

    /// <summary>How many of <see cref="Witnesses"/> must have cosigned a checkpoint before it counts as published (default: all of them).</summary>
    public int? Quorum { get; set; }

    /// <summary>The wait after a first failed submission; it doubles with each failure in a row.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two submissions to a failing witness.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one submission may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A witness that has not cosigned for this long while submissions fail is reported by /health/ready.</summary>
    public TimeSpan ReportAfter { get; set; } = TimeSpan.FromMinutes(2);

    private IReadOnlyList<(Uri Url, WitnessKey Key)>? _parsed;

    /// <summary>The witnesses' URLs and keys, parsed once (valid once the options validated; they don't change after binding).</summary>
    public IReadOnlyList<(Uri Url, WitnessKey Key)> Parsed() =>
        _parsed ??= [.. Witnesses.Select(w => (new Uri(w.Url!.TrimEnd('/') + "/"), WitnessKey.Parse(w.Key!)))];

    /// <summary>The quorum in force.</summary>
    public int EffectiveQuorum => Quorum ?? Witnesses.Count;

    /// <summary>Whether the configured witnesses' valid cosignatures in <paramref name="signedNote"/> meet the quorum: the checkpoint is published.</summary>
    public bool IsPublished(string signedNote) => CosignedNote.Check(signedNote, Parsed().Select(w => w.Key)).Meets(EffectiveQuorum);
}

/// <summary>Checks the witnesses at start-up: each with an absolute http(s) URL and a cosignature/v1 key, no key twice, a quorum they can meet.</summary>
internal sealed class WitnessingOptionsValidator : IValidateOptions<WitnessingOptions>
{
    public ValidateOptionsResult Validate(string? name, WitnessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Witnesses.Count; i++)
        {
            var witness = options.Witnesses[i];
            var field = $"{WitnessingOptions.Section}:Witnesses:{i}";
            if (!Uri.TryCreate(witness.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                failures.Add($"{field}:Url must be the witness's absolute http(s) URL (e.g. http://127.0.0.1:7380).");
            }

            if (witness.Key is null || !WitnessKey.TryParse(witness.Key, out var key))
            {
                failures.Add($"{field}:Key must be the witness's verifier key, name+keyid+base64 (as provenance witness keygen prints it).");
            }
            else if (!keys.Add($"{key!.Name}+{key.KeyId:x8}"))
            {
                failures.Add($"{field}:Key names a witness listed before it.");
            }
        }

        if (options.Quorum is { } quorum && (quorum < 0 || quorum > options.Witnesses.Count))
        {
            failures.Add($"{WitnessingOptions.Section}:Quorum must be between 0 and the number of witnesses ({options.Witnesses.Count}).");
        }

        if (options.RetryAfter <= TimeSpan.Zero || options.MaxRetryAfter < options.RetryAfter || options.Timeout <= TimeSpan.Zero || options.ReportAfter <= TimeSpan.Zero)
        {
            failures.Add($"{WitnessingOptions.Section}: RetryAfter, Timeout and ReportAfter must be positive, and MaxRetryAfter at least RetryAfter.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
