using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Provenance.Ledger.Models.Disclosing;

/// <summary>
/// The model card and the disclosure as readable pages (<c>Accept: text/html</c>): self-contained,
/// no script, one stylesheet whose hash <see cref="StyleSource"/> gives the page's CSP. Every value is HTML-encoded.
/// </summary>
public static class DocumentHtml
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;line-height:1.45;color:#1a1a1a}" +
        "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:1.6rem;border-bottom:1px solid #ccc}h3{font-size:1rem;margin-bottom:.2rem}" +
        "dt{font-weight:600;margin-top:.6rem}dd{margin:0 0 0 1rem}.cite{color:#555;font-size:.85em}li{margin:.3rem 0}";

    /// <summary>The CSP source that admits the pages' stylesheet and nothing else.</summary>
    public static string StyleSource { get; } = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style))) + "'";

    /// <summary>The Content-Security-Policy of these pages.</summary>
    public static string ContentSecurityPolicy { get; } = $"default-src 'none'; style-src {StyleSource}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static string Disclosure(Disclosure disclosure)
    {
        ArgumentNullException.ThrowIfNull(disclosure);
        var m = disclosure.Model;
        var html = Start($"Procurement disclosure: {m.Name} {m.Version}");
        html.Append("<p>").Append(E($"{m.Name} version {m.Version} by {m.Developer} ({m.Status}; {(m.Commercial ? "commercial" : "non-commercial")}). Intended use: {m.IntendedUse}"))
            .Append("</p>\n<p class=\"cite\">")
            .Append(E($"Read from the ledger at position {disclosure.LedgerPosition}; \"today\" is {disclosure.JudgedOn:yyyy-MM-dd}. Each answer cites the log positions it rests on; an audit bundle of this version proves them."))
            .Append("</p>\n");
        foreach (var section in disclosure.Sections)
        {
            html.Append("<h2 id=\"").Append(E(section.Id)).Append("\">").Append(E(section.Question)).Append("</h2>\n<ul>\n");
            foreach (var answer in section.Answers)
            {
                html.Append("<li>").Append(E(answer.Text));
                if (answer.Citations.Count > 0)
                {
                    html.Append(" <span class=\"cite\">(positions ").Append(E(string.Join(", ", answer.Citations.Select(p => p.ToString(CultureInfo.InvariantCulture))))).Append(")</span>");
                }

                html.Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        return End(html);
    }

    public static string ModelCard(XDocument card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var root = card.Root!;
        var name = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "ModelName")?.Value ?? "Model";
        var version = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "ReleaseVersion")?.Value ?? "";
        var html = Start($"Model card: {name} {version}");
        html.Append("<p class=\"cite\">CHAI Applied Model Card, schema v0.2. The XML (<code>Accept: application/xml</code>) is the document of record.</p>\n");
        foreach (var section in root.Elements())
        {
            html.Append("<h2>").Append(E(Words(section.Name.LocalName))).Append("</h2>\n");
            Render(html, section, 3);
        }

        return End(html);
    }

    private static void Render(StringBuilder html, XElement element, int level)
    {
        if (!element.HasElements)
        {
            html.Append("<p>").Append(E(element.Value)).Append("</p>\n");
            return;
        }

        html.Append("<dl>\n");
        foreach (var child in element.Elements())
        {
            html.Append("<dt>").Append(E(Words(child.Name.LocalName))).Append("</dt>\n<dd>");
            if (child.HasElements)
            {
                Render(html, child, level + 1);
            }
            else
            {
                html.Append(E(child.Value));
            }

            html.Append("</dd>\n");
        }

        html.Append("</dl>\n");
    }

    // "KnownRisksAndLimitations" → "Known risks and limitations"; "AISystemFacts" → "AI system facts".
    private static string Words(string name)
    {
        var words = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var boundary = i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (boundary)
            {
                words.Append(' ');
            }

            var acronym = char.IsUpper(c) && (i + 1 < name.Length && char.IsUpper(name[i + 1]) || (i > 0 && char.IsUpper(name[i - 1]) && (i + 1 == name.Length || !char.IsLower(name[i + 1]))));
            words.Append(i == 0 || acronym ? c : char.ToLowerInvariant(c));
        }

        return words.ToString();
    }

    private static StringBuilder Start(string title) =>
        new StringBuilder(16_384).Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title))
            .Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n<h1>").Append(E(title)).Append("</h1>\n");

    private static string End(StringBuilder html) => html.Append("</body>\n</html>\n").ToString();

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
