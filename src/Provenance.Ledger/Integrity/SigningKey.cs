using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Ledger.Integrity;

/// <summary>
/// The checkpoint signing key, loaded once on first use (the daemon's start-up forces it, so a bad
/// key stops the service before it listens): from <c>SigningKeyPem</c>, from <c>SigningKeyFile</c>
/// (created there first when <c>CreateKeyIfMissing</c>), or, in Development and tests only, made up
/// for this process. The private key is never logged, returned or written anywhere else.
/// </summary>
internal sealed partial class SigningKey(IOptions<IntegrityOptions> options, IHostEnvironment environment, ILogger<SigningKey> logger) : IDisposable
{
    private readonly Lock _sync = new();
    private CheckpointSigner? _signer;

    /// <summary>The signer, named after the log's origin.</summary>
    public CheckpointSigner Signer
    {
        get
        {
            lock (_sync)
            {
                return _signer ??= Load();
            }
        }
    }

    /// <summary>The public key to publish: the C2SP verifier key (name, key ID, SPKI).</summary>
    public VerifierKey VerifierKey => Signer.VerifierKey;

    /// <summary>The public key as a PEM SubjectPublicKeyInfo ("PUBLIC KEY").</summary>
    public string PublicKeyPem => new(PemEncoding.Write("PUBLIC KEY", VerifierKey.SubjectPublicKeyInfo.Span));

    /// <summary>The key ID as stored with each checkpoint: eight lowercase hex digits.</summary>
    public string KeyId => FormatKeyId(VerifierKey.KeyId);

    public static string FormatKeyId(uint keyId) => keyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        lock (_sync)
        {
            _signer?.Dispose();
        }
    }

    private CheckpointSigner Load()
    {
        var settings = options.Value;
        var origin = settings.Origin;
        if (!string.IsNullOrWhiteSpace(settings.SigningKeyPem))
        {
            var fromText = FromPem(origin, settings.SigningKeyPem, $"{IntegrityOptions.Section}:SigningKeyPem");
            LogLoaded(logger, $"{IntegrityOptions.Section}:SigningKeyPem", FormatKeyId(fromText.VerifierKey.KeyId));
            return fromText;
        }

        if (!string.IsNullOrWhiteSpace(settings.SigningKeyFile))
        {
            var path = Path.GetFullPath(settings.SigningKeyFile);
            if (!File.Exists(path) && settings.CreateKeyIfMissing)
            {
                CreateKeyFile(path);
            }

            WarnIfReadableByOthers(path);
            string pem;
            try
            {
                pem = File.ReadAllText(path, Encoding.ASCII);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"{IntegrityOptions.Section}:SigningKeyFile '{path}' cannot be read: {e.Message}", e);
            }

            var signer = FromPem(origin, pem, $"{IntegrityOptions.Section}:SigningKeyFile '{path}'");
            LogLoaded(logger, path, FormatKeyId(signer.VerifierKey.KeyId));
            return signer;
        }

        if (!IntegrityOptionsValidator.AllowsEphemeralKey(environment))
        {
            throw new InvalidOperationException($"No checkpoint signing key is configured ({IntegrityOptions.Section}:SigningKeyFile or SigningKeyPem).");
        }

        using var ephemeral = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var generated = FromPem(origin, ephemeral.ExportPkcs8PrivateKeyPem(), "the ephemeral key");
        LogEphemeral(logger, environment.EnvironmentName, FormatKeyId(generated.VerifierKey.KeyId));
        return generated;
    }

    private static CheckpointSigner FromPem(string origin, string pem, string where)
    {
        try
        {
            return CheckpointSigner.FromPem(origin, pem);
        }
        catch (ArgumentException e)
        {
            // The message names the setting, never the key.
            throw new InvalidOperationException(
                $"{where} holds no usable checkpoint signing key: an ECDSA P-256 private key in PEM (PKCS#8 'PRIVATE KEY' or SEC 1 'EC PRIVATE KEY') is expected, " +
                $"and {IntegrityOptions.Section}:Origin must be a valid key name.", e);
        }
    }

    private void CreateKeyFile(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, create))
        {
            file.Write(Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
            file.Flush(flushToDisk: true);
        }

        try
        {
            // Never overwrites: when instances start at once, the first key written is everyone's.
            File.Move(temporary, path, overwrite: false);
            LogCreated(logger, path);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }

    private void WarnIfReadableByOthers(string path)
    {
        const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if (!OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & Others) != 0)
        {
            LogReadableByOthers(logger, path);
        }
    }

    [LoggerMessage(LogLevel.Warning,
        "No checkpoint signing key is configured: the {Environment} environment signs checkpoints with an ephemeral key (key ID {KeyId}) that is lost when the service stops. Configure Provenance:Integrity:SigningKeyFile to keep checkpoints verifiable")]
    private static partial void LogEphemeral(ILogger logger, string environment, string keyId);

    [LoggerMessage(LogLevel.Information, "Checkpoint signing key loaded from {Source} (key ID {KeyId})")]
    private static partial void LogLoaded(ILogger logger, string source, string keyId);

    [LoggerMessage(LogLevel.Warning, "Created a new checkpoint signing key in {Path} (mode 600): keep it secret and back it up")]
    private static partial void LogCreated(ILogger logger, string path);

    [LoggerMessage(LogLevel.Warning, "The checkpoint signing key file {Path} is readable or writable by other users; restrict it to the service's user (chmod 600)")]
    private static partial void LogReadableByOthers(ILogger logger, string path);
}
