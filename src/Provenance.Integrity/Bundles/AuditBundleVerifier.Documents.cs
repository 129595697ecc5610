using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace Provenance.Integrity.Bundles;

public sealed partial class AuditBundleVerifier
{
    /// <summary>The disclosure's format name (docs/audit-bundle-format.md, "Scope documents").</summary>
    public const string DisclosureFormat = "provenance-procurement-disclosure/1";

    /// <summary>The model card's bibliography ends with this, then the cited positions, comma-separated.</summary>
    public const string ModelCardPositionsPrefix = "Ledger positions: ";

    private const string ModelCardNamespace = "https://mc.chai.org/v0.2/schema.xsd";

    /// <summary>
    /// Check 10 (#18): every position the scope documents cite — each statement of
    /// <c>disclosure.json</c>, the bibliography of <c>model-card.xml</c> — is an event of the bundle
    /// whose inclusion proof verified, so the answers rest on the signed log and on nothing else.
    /// </summary>
    private static async Task CheckDocumentsAsync(
        AuditBundleSource bundle, HashSet<long> proved, bool eventsChecked, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        if (!eventsChecked)
        {
            result.Warn("the scope documents' citations were not checked: the events could not be proved");
            return;
        }

        void Check(string file, long position)
        {
            if (proved.Contains(position))
            {
                result.CitationsVerified++;
            }
            else
            {
                result.Fail(file, null, $"cites position {position.ToString(CultureInfo.InvariantCulture)}, which is not a proved event of this bundle");
            }
        }

        if (await ReadSmallFileAsync(bundle, AuditBundleFiles.Disclosure, MaxManifestBytes, result, cancellationToken).ConfigureAwait(false) is { } disclosure)
        {
            foreach (var position in DisclosureCitations(disclosure, result).Distinct())
            {
                Check(AuditBundleFiles.Disclosure, position);
            }
        }

        if (await ReadSmallFileAsync(bundle, AuditBundleFiles.ModelCard, MaxManifestBytes, result, cancellationToken).ConfigureAwait(false) is { } card)
        {
            foreach (var position in ModelCardCitations(card, result).Distinct())
            {
                Check(AuditBundleFiles.ModelCard, position);
            }
        }
    }

    private static List<long> DisclosureCitations(byte[] bytes, BundleVerificationResult result)
    {
        var positions = new List<long>();
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != DisclosureFormat)
            {
                result.Fail(AuditBundleFiles.Disclosure, 1, $"the format is not \"{DisclosureFormat}\"");
                return positions;
            }

            foreach (var section in Array(root, "sections"))
            {
                foreach (var answer in Array(section, "answers"))
                {
                    foreach (var citation in Array(answer, "citations"))
                    {
                        if (!citation.TryGetInt64(out var position))
                        {
                            throw new FormatException("a citation is not a position (an integer)");
                        }

                        positions.Add(position);
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            result.Fail(AuditBundleFiles.Disclosure, null, $"the disclosure cannot be read: {e.Message}");
        }

        return positions;
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string member) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(member, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : throw new FormatException($"\"{member}\" is not an array");

    private static List<long> ModelCardCitations(byte[] bytes, BundleVerificationResult result)
    {
        var positions = new List<long>();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            string? bibliography = null;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Bibliography" && reader.NamespaceURI == ModelCardNamespace)
                {
                    bibliography = reader.ReadElementContentAsString();
                    break;
                }
            }

            var at = bibliography?.LastIndexOf(ModelCardPositionsPrefix, StringComparison.Ordinal) ?? -1;
            if (at < 0)
            {
                result.Fail(AuditBundleFiles.ModelCard, null, $"the model card's Bibliography has no \"{ModelCardPositionsPrefix}\" line");
                return positions;
            }

            foreach (var item in bibliography![(at + ModelCardPositionsPrefix.Length)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                positions.Add(long.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                    ? position
                    : throw new FormatException($"\"{item}\" is not a position"));
            }
        }
        catch (Exception e) when (e is XmlException or FormatException)
        {
            result.Fail(AuditBundleFiles.ModelCard, null, $"the model card cannot be read: {e.Message}");
        }

        return positions;
    }
}
