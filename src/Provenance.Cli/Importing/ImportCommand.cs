using System.CommandLine;

namespace Provenance.Cli.Importing;

/// <summary><c>provenance import &lt;file.ndjson&gt; [--idempotency-key &lt;key&gt;] [--failures &lt;path&gt;] [--results &lt;path&gt;]</c>.</summary>
internal static class ImportCommand
{
    public static Command Create(Option<string> api, CliHost host)
    {
        var file = new Argument<FileInfo>("file")
        {
            Description = "NDJSON file with one command per line (see docs/cli.md)",
        };
        var idempotencyKey = new Option<string?>("--idempotency-key")
        {
            Description = "Makes the import safe to send again: line N is written at most once under <key>#N",
            HelpName = "key",
        };
        var failures = new Option<FileInfo?>("--failures")
        {
            Description = "Write the result of every failed line to this file, as NDJSON",
            HelpName = "path",
        };
        var results = new Option<FileInfo?>("--results")
        {
            Description = "Write the result of every line (with the ids created) to this file, as NDJSON",
            HelpName = "path",
        };

        var command = new Command("import", "Send an NDJSON file of commands to POST /imports and report the result of each line")
        {
            file,
            idempotencyKey,
            failures,
            results,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var apiText = parseResult.GetValue(api);
            if (!ApiAddress.TryResolve(apiText, host, out var address))
            {
                return ExitCodes.UsageOrConnectionError;
            }

            using var http = host.CreateHttpClient(address);
            var importer = new BulkImporter(http, host.Out, host.Error);
            var request = new ImportRequest(
                parseResult.GetRequiredValue(file), parseResult.GetValue(idempotencyKey), parseResult.GetValue(failures), parseResult.GetValue(results));
            var outcome = await importer.ImportAsync(request, cancellationToken).ConfigureAwait(false);
            return outcome.ExitCode;
        });
        return command;
    }
}
