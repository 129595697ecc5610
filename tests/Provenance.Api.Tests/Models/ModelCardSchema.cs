using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Provenance.Api.Tests.Models;

/// <summary>
/// Validates model cards against the vendored CHAI Applied Model Card schema v0.2 (Schemas/README.md).
/// Its import of the W3C XML-Signature schema is satisfied by the vendored copy, added first; no
/// resolver is set, so nothing is ever fetched.
/// </summary>
internal static class ModelCardSchema
{
    private static readonly Lazy<XmlSchemaSet> Schemas = new(Load);

    /// <summary>Every validation error and warning of <paramref name="xml"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(string xml)
    {
        var problems = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schemas.Value, XmlResolver = null, DtdProcessing = DtdProcessing.Prohibit };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }

        return problems;
    }

    public static XDocument Parse(string xml) => XDocument.Parse(xml);

    private static XmlSchemaSet Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Schemas");
        var set = new XmlSchemaSet { XmlResolver = null };
        foreach (var (ns, file) in new[] { ("http://www.w3.org/2000/09/xmldsig#", "w3c-xmldsig/xmldsig-core-schema.xsd"), ("https://mc.chai.org/v0.2/schema.xsd", "chai-model-card-v0.2/schema.xsd") })
        {
            using var reader = XmlReader.Create(Path.Combine(folder, file), new XmlReaderSettings { XmlResolver = null, DtdProcessing = DtdProcessing.Prohibit });
            set.Add(ns, reader);
        }

        set.Compile();
        return set;
    }
}
