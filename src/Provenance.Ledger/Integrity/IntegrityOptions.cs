using Microsoft.Extensions.Options;
using Provenance.EventStore.Integrity;

namespace Provenance.Ledger.Integrity;

/// <summary>
/// The Merkle tree and its signed checkpoints (<c>Provenance:Integrity</c>; docs/operations.md,
/// "Signing key and checkpoints").
/// </summary>
internal sealed class IntegrityOptions
{
    public const string Section = "Provenance:Integrity";

    /// <summary>The log's identity: the first line of every checkpoint, and the signing key's name.</summary>
    public string Origin { get; set; } = "provenance.example.org/ledger";

    /// <summary>Path of the ECDSA P-256 private key (PKCS#8 or SEC 1 PEM) that signs checkpoints.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>The same key as PEM text, usually from the environment variable <c>Provenance__Integrity__SigningKeyPem</c>.</summary>
    public string? SigningKeyPem { get; set; }

    /// <summary>When <see cref="SigningKeyFile"/> does not exist, create a new key there (mode 600) instead of refusing to start.</summary>
    public bool CreateKeyIfMissing { get; set; }

    /// <summary>How often the service signs a checkpoint of the tree head, when the tree grew since the last one.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Events per integration batch (one transaction each).</summary>
    public int IntegrationBatchSize { get; set; } = MerkleIntegrator.DefaultBatchSize;
}

/// <summary>Checks the settings at start-up: in Production a signing key must be configured, never made up.</summary>
internal sealed class IntegrityOptionsValidator(IHostEnvironment environment) : IValidateOptions<IntegrityOptions>
{
    /// <summary>Environments where, without a configured key, an ephemeral one is acceptable.</summary>
    public static bool AllowsEphemeralKey(IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment("Testing");

    public ValidateOptionsResult Validate(string? name, IntegrityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Origin) || options.Origin.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '+'))
        {
            failures.Add($"{IntegrityOptions.Section}:Origin must be a non-empty name without spaces, plus signs or control characters (e.g. provenance.example.org/ledger); it names the log and its signing key.");
        }

        if (options.CheckpointInterval <= TimeSpan.Zero)
        {
            failures.Add($"{IntegrityOptions.Section}:CheckpointInterval must be positive (e.g. 00:01:00).");
        }

        if (options.IntegrationBatchSize is < 1 or > 100_000)
        {
            failures.Add($"{IntegrityOptions.Section}:IntegrationBatchSize must be between 1 and 100000.");
        }

        var hasFile = !string.IsNullOrWhiteSpace(options.SigningKeyFile);
        var hasPem = !string.IsNullOrWhiteSpace(options.SigningKeyPem);
        if (hasFile && hasPem)
        {
            failures.Add($"Both {IntegrityOptions.Section}:SigningKeyFile and {IntegrityOptions.Section}:SigningKeyPem are set: set one of them.");
        }
        else if (hasFile && !File.Exists(options.SigningKeyFile) && !options.CreateKeyIfMissing)
        {
            failures.Add(
                $"{IntegrityOptions.Section}:SigningKeyFile is '{options.SigningKeyFile}', which does not exist. Point it at the checkpoint signing key " +
                $"(an ECDSA P-256 private key in PEM), or set {IntegrityOptions.Section}:CreateKeyIfMissing=true to create a new key there.");
        }
        else if (!hasFile && !hasPem && !AllowsEphemeralKey(environment))
        {
            failures.Add(
                $"No checkpoint signing key is configured, and the {environment.EnvironmentName} environment never signs with a throwaway key " +
                $"(its checkpoints could not be verified after a restart). Set {IntegrityOptions.Section}:SigningKeyFile " +
                "(environment variable Provenance__Integrity__SigningKeyFile) to the path of an ECDSA P-256 private key in PEM, made with " +
                "'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out checkpoint-key.pem', or pass the PEM itself in " +
                "Provenance__Integrity__SigningKeyPem. See docs/operations.md, \"Signing key and checkpoints\".");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
