using System.CommandLine;
using Provenance.Cli.Verifying;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Witnessing;
using Provenance.Witness;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Provenance.Cli.Witnessing;

/// <summary>
/// <c>provenance witness keygen</c> and <c>provenance witness serve</c> (#17): a witness's Ed25519
/// key, and the witness itself, a C2SP tlog-witness host that cosigns a log's checkpoints only when
/// they are consistent with the last one it cosigned.
/// </summary>
internal static class WitnessCommand
{
    public static Command Create(CliHost host) => new("witness", "Run a witness that cosigns a log's checkpoints (C2SP tlog-witness), or make its key")
    {
        KeyGen(host),
        Serve(host),
    };

    private static Command KeyGen(CliHost host)
    {
        var name = new Option<string>("--name") { Description = "The witness's name, e.g. witness.example.org/w1 (no spaces or plus signs)", Required = true };
        var output = new Option<string>("--out") { Description = "The file to write the private key to (created with mode 600; never overwritten)", Required = true, HelpName = "file" };
        var command = new Command("keygen", "Make a witness's Ed25519 key: writes the private key to --out and prints the verifier key to give to logs and verifiers") { name, output };
        command.SetAction(parseResult =>
        {
            var file = parseResult.GetRequiredValue(output);
            if (File.Exists(file))
            {
                host.Error.WriteError($"'{file}' exists; a witness key is never overwritten (a new key is a new witness).");
                return ExitCodes.UsageOrConnectionError;
            }

            WitnessSigner signer;
            try
            {
                signer = WitnessSigner.Generate(parseResult.GetRequiredValue(name));
            }
            catch (ArgumentException)
            {
                host.Error.WriteError("--name: a witness's name is not empty and holds no space, plus sign or control character.");
                return ExitCodes.UsageOrConnectionError;
            }

            using (signer)
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var writer = new StreamWriter(file, System.Text.Encoding.ASCII, options))
                {
                    writer.Write(signer.ToPrivateKeyText() + "\n");
                }

                host.Out.WriteLine(signer.VerifierKey.ToString());
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Serve(CliHost host)
    {
        var key = new Option<string>("--key") { Description = "The witness's private key file (made by provenance witness keygen)", Required = true, HelpName = "file" };
        var state = new Option<string>("--state") { Description = "A directory the witness owns for its state: the latest checkpoint it cosigned per log", Required = true, HelpName = "dir" };
        var logs = new Option<string[]>("--log")
        {
            Description = "A log to witness: its verifier key (name+keyid+key; the name is the log's origin), or a file holding it; repeat for more",
            Required = true,
            HelpName = "key-or-file",
        };
        var urls = new Option<string>("--urls") { Description = "Where to listen", DefaultValueFactory = _ => "http://127.0.0.1:7380", HelpName = "url" };
        var command = new Command("serve", "Run the witness: POST /add-checkpoint cosigns a log's checkpoint when it is signed by the log and consistent with the last one cosigned")
        {
            key, state, logs, urls,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var keyFile = parseResult.GetRequiredValue(key);
            WitnessSigner signer;
            try
            {
                signer = WitnessSigner.Parse(await File.ReadAllTextAsync(keyFile, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                host.Error.WriteError($"--key: '{keyFile}' is not a witness private key: {e.Message}");
                return ExitCodes.UsageOrConnectionError;
            }

            var verifierKeys = new List<VerifierKey>();
            foreach (var text in parseResult.GetRequiredValue(logs))
            {
                if (!VerifyCommand.TryReadKey(text, "--log", "a log's verifier key (name+keyid+key)", VerifierKey.Parse, host, out var logKey))
                {
                    signer.Dispose();
                    return ExitCodes.UsageOrConnectionError;
                }

                verifierKeys.Add(logKey!);
            }

            using (signer)
            {
                try
                {
                    await using var app = WitnessHost.Build(new WitnessOptions(signer, parseResult.GetRequiredValue(state), verifierKeys), parseResult.GetRequiredValue(urls));
                    host.Error.WriteLine($"Witness {signer.VerifierKey} for {string.Join(", ", verifierKeys.Select(k => k.Name))}, listening on {parseResult.GetRequiredValue(urls)}.");
                    await app.StartAsync(cancellationToken).ConfigureAwait(false);
                    await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                    return ExitCodes.Success;
                }
                catch (IOException e)
                {
                    host.Error.WriteError(e.Message);
                    return ExitCodes.UsageOrConnectionError;
                }
            }
        });
        return command;
    }
}
