using System.Globalization;
using System.Net;
using System.Text;
using Provenance.Ledger.Lineage;

namespace Provenance.Ledger.Exports;

/// <summary>What the report says about the bundle it belongs to.</summary>
internal sealed record AuditReportContent(
    string Title,
    IReadOnlyList<(string Label, string Value)> Scope,
    string Origin,
    long TreeSize,
    string RootHash,
    DateOnly Day,
    IReadOnlyDictionary<string, long> EventsByType,
    IReadOnlyList<LineageNode> Nodes);

/// <summary>
/// The bundle's report.html: a self-contained page (no script, no external resource) for people.
/// Deterministic: the same content gives the same bytes. Every value is HTML-encoded.
/// </summary>
internal static class AuditReport
{
    public static byte[] Render(AuditReportContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var html = new StringBuilder(16_384);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(content.Title)).Append("</title>\n")
            .Append("<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}table{border-collapse:collapse;margin:1rem 0}")
            .Append("th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eee}")
            .Append(".no{color:#a00;font-weight:600}.yes{color:#060;font-weight:600}code{font-size:.9em}</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(E(content.Title)).Append("</h1>\n");
        html.Append("<p>An audit bundle of the Provenance ledger. The events in <code>events.ndjson</code> are the evidence; this page is a reading aid. ")
            .Append("Check the bundle with <code>provenance verify</code> or any verifier written from the bundle format.</p>\n");

        html.Append("<h2>Scope</h2>\n<table>\n");
        foreach (var (label, value) in content.Scope)
        {
            Row(html, label, value);
        }

        html.Append("</table>\n<h2>Checkpoint</h2>\n<table>\n");
        Row(html, "Log origin", content.Origin);
        Row(html, "Tree size (events)", content.TreeSize.ToString(CultureInfo.InvariantCulture));
        Row(html, "Root hash (base64)", content.RootHash);
        Row(html, "Clearance judged on", Day(content.Day) + " (the day the tree's last event was recorded)");
        html.Append("</table>\n");

        html.Append("<h2>Events in the bundle</h2>\n<table>\n<tr><th>Type</th><th>Count</th></tr>\n");
        foreach (var (type, count) in content.EventsByType.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            html.Append("<tr><td><code>").Append(E(type)).Append("</code></td><td>").Append(count.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        var versions = content.Nodes.Where(n => n.Kind == "dataset-version").OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Version).ToList();
        var runs = content.Nodes.Where(n => n.Kind == "training-run").OrderBy(n => n.StartedAt).ToList();
        if (runs.Count > 0)
        {
            html.Append("<h2>Training runs</h2>\n<table>\n<tr><th>Run</th><th>Model version</th><th>Started</th><th>Clearance overridden</th></tr>\n");
            foreach (var run in runs)
            {
                html.Append("<tr><td><code>").Append(E(run.RunId?.ToString() ?? "")).Append("</code></td><td>").Append(E(run.ModelVersion ?? ""))
                    .Append("</td><td>").Append(E(run.StartedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? ""))
                    .Append("</td><td>").Append(run.Overridden == true ? "<span class=\"no\">yes</span>" : "no").Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        if (versions.Count > 0)
        {
            var cleared = versions.Count(v => v.ClearanceToday?.Cleared == true);
            html.Append("<h2>Dataset versions and compliance findings</h2>\n<p>")
                .Append(versions.Count.ToString(CultureInfo.InvariantCulture)).Append(" dataset versions; ")
                .Append(cleared.ToString(CultureInfo.InvariantCulture)).Append(" cleared for training on ").Append(Day(content.Day)).Append(".</p>\n")
                .Append("<table>\n<tr><th>Dataset version</th><th>Institution</th><th>Fingerprint</th><th>Cleared at training</th><th>Cleared on ")
                .Append(Day(content.Day)).Append("</th><th>Findings</th></tr>\n");
            foreach (var version in versions)
            {
                var atTraining = version.ClearanceAtTraining ?? [];
                var findings = atTraining.SelectMany(c => c.Findings.Select(f => $"At training ({Day(c.Day)}): {f.Message}"))
                    .Concat((version.ClearanceToday?.Findings ?? []).Select(f => $"On {Day(content.Day)}: {f.Message}"))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                html.Append("<tr><td>").Append(E($"{version.Name} v{version.Version}")).Append("<br><code>").Append(E(version.DatasetId?.ToString() ?? ""))
                    .Append("</code></td><td>").Append(E(version.SourceInstitution ?? "")).Append("</td><td><code>").Append(E(version.Fingerprint ?? ""))
                    .Append("</code></td><td>").Append(atTraining.Count == 0 ? "—" : YesNo(atTraining.All(c => c.Cleared)))
                    .Append("</td><td>").Append(version.ClearanceToday is { } today ? YesNo(today.Cleared) : "—").Append("</td><td>");
                if (findings.Count > 0)
                {
                    html.Append("<ul>");
                    foreach (var finding in findings)
                    {
                        html.Append("<li>").Append(E(finding)).Append("</li>");
                    }

                    html.Append("</ul>");
                }

                html.Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    private static void Row(StringBuilder html, string label, string value) =>
        html.Append("<tr><th>").Append(E(label)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    private static string YesNo(bool yes) => yes ? "<span class=\"yes\">yes</span>" : "<span class=\"no\">no</span>";

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
