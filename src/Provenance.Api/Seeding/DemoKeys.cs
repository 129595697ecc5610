using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Provenance.Api.Access;
using Provenance.Domain.Access;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Seeding;

/// <summary>One demo key: the shell variable that holds it, and who it is.</summary>
internal sealed record DemoKey(string Variable, string Principal, IReadOnlyList<Role> Roles, string? Institution, string Note);

/// <summary>
/// The keys of the demo (Development only): the seed loader's own administrator key, and one key
/// per role for the README tour (a steward for each institution the seeds name, an IRB reviewer,
/// a regulator, an administrator). With <c>Provenance:Seed:KeysFile</c> they are written there
/// (mode 600, as shell <c>export</c> lines, which deploy/run.sh prints) and reused on later starts
/// while they stay valid, so restarts add no events; without it, only a short-lived seed-loader
/// key is issued, each start. Issued by <c>system</c>, like the bootstrap key. Never logged.
/// </summary>
internal sealed class DemoKeys(IServiceScopeFactory scopes, IOptions<SeedOptions> options, ApiKeyDirectory directory, TimeProvider clock)
{
    public const string SeedLoaderVariable = "SEED_LOADER_KEY";

    /// <summary>The principal of the seed loader's own key (reserved: no one else may hold it).</summary>
    public const string SeedLoaderPrincipal = Ledger.Access.ReservedPrincipals.SeedLoader;
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(7);

    /// <summary>
    /// Makes sure every demo key exists and is valid; returns them (the seed loader's among them).
    /// Nothing is written yet: <see cref="Publish"/> writes the keys file once the demo is loaded (#14),
    /// so its appearance tells a script the demo is ready.
    /// </summary>
    public async Task<DemoKeySet> EnsureAsync(string seedFolder, CancellationToken cancellationToken)
    {
        var file = options.Value.KeysFile;
        var wanted = Wanted(seedFolder, withTour: !string.IsNullOrWhiteSpace(file));
        var existing = string.IsNullOrWhiteSpace(file) ? [] : Read(file);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestContext>().ActAsSystem();
        var issuer = scope.ServiceProvider.GetRequiredService<ApiKeyIssuer>();
        var now = clock.GetUtcNow();
        foreach (var demo in wanted)
        {
            if (existing.TryGetValue(demo.Variable, out var presented) && await StillFitsAsync(presented, demo, now, cancellationToken))
            {
                keys[demo.Variable] = presented;
                continue;
            }

            var lifetime = string.IsNullOrWhiteSpace(file) ? TimeSpan.FromDays(1) : Lifetime;
            keys[demo.Variable] = (await issuer.IssueAsync(demo.Principal, demo.Roles, demo.Institution, now + lifetime, "Demo key (Development)", cancellationToken)).Key;
        }

        return new DemoKeySet(keys[SeedLoaderVariable], string.IsNullOrWhiteSpace(file) ? null : Render(wanted, keys));
    }

    /// <summary>Writes the keys file (when one is configured): called once the demo data is loaded.</summary>
    public void Publish(DemoKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (options.Value.KeysFile is { Length: > 0 } file && keys.FileText is { } text)
        {
            SecretFile.Write(file, text);
        }
    }

    private async Task<bool> StillFitsAsync(string presented, DemoKey demo, DateTimeOffset now, CancellationToken cancellationToken) =>
        await directory.FindMatchingAsync(presented, cancellationToken) is { } key &&
        key.IsActiveAt(now + RenewBefore) && key.Issued.Principal == demo.Principal && key.Issued.Roles.SequenceEqual(demo.Roles) &&
        key.Issued.Institution == demo.Institution;

    private static List<DemoKey> Wanted(string seedFolder, bool withTour)
    {
        var keys = new List<DemoKey> { new(SeedLoaderVariable, SeedLoaderPrincipal, [Role.Admin], null, "the seed loader itself") };
        if (!withTour)
        {
            return keys;
        }

        var institutions = Institutions(seedFolder);
        for (var i = 0; i < institutions.Count; i++)
        {
            var suffix = i == 0 ? "" : "_" + (i + 1).ToString(CultureInfo.InvariantCulture);
            keys.Add(new($"STEWARD_KEY{suffix}", $"demo-steward-{i + 1}", [Role.Steward], institutions[i], $"steward of {institutions[i]}"));
        }

        keys.Add(new("IRB_REVIEWER_KEY", "demo-irb-reviewer", [Role.IrbReviewer], null, "IRB reviewer"));
        keys.Add(new("REGULATOR_KEY", "demo-regulator", [Role.Regulator], null, "regulator (read-only)"));
        keys.Add(new("ADMIN_KEY", "demo-admin", [Role.Admin], null, "administrator"));
        return keys;
    }

    /// <summary>The institutions the seed files register datasets for, in order of first appearance.</summary>
    private static List<string> Institutions(string seedFolder)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(seedFolder, "*.ndjson").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Contains("\"sourceInstitution\"", StringComparison.Ordinal) && !line.TrimStart().StartsWith("//", StringComparison.Ordinal) &&
                    Institution(line) is { } institution && !found.Contains(institution))
                {
                    found.Add(institution);
                }
            }
        }

        return found;
    }

    private static string? Institution(string line)
    {
        try
        {
            return JsonNode.Parse(line)?["body"]?["sourceInstitution"]?.GetValue<string>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            // A line the loader will report itself (a placeholder outside quotes, say); no key depends on it.
            return null;
        }
    }

    private static Dictionary<string, string> Read(string file)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(file))
        {
            return values;
        }

        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Trim();
            var comment = line.IndexOf(" #", StringComparison.Ordinal);
            line = (comment >= 0 ? line[..comment] : line).Trim();
            line = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (!line.StartsWith('#') && equals > 0)
            {
                values[line[..equals]] = line[(equals + 1)..].Trim('\'', '"');
            }
        }

        return values;
    }

    private static string Render(List<DemoKey> wanted, Dictionary<string, string> keys)
    {
        var text = new StringBuilder();
        text.AppendLine("# Provenance demo API keys (Development only). Load them into a shell with:  source <this file>");
        text.AppendLine("# Then: curl -H \"Authorization: ApiKey $REGULATOR_KEY\" http://127.0.0.1:5080/datasets");
        foreach (var demo in wanted)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"export {demo.Variable}={keys[demo.Variable]}   # {demo.Note}");
        }

        return text.ToString();
    }
}

/// <summary>The demo keys issued or kept for this start: the seed loader's, and the keys file's text (null without a file).</summary>
internal sealed record DemoKeySet(string SeedLoaderKey, string? FileText);
