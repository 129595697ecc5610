using Provenance.Integrity.StreamIndex;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// The streams a stream scope holds at a tree size (docs/audit-bundle-format.md, version 2),
/// computed from the stream index: the same function for the exporter, which reads the index from
/// the ledger, and the verifier, which reads it from the bundle's proved entries. Each stream comes
/// with why it belongs, for a verifier's message when it is missing.
/// </summary>
public static class BundleScopeClosure
{
    /// <summary>The streams of <paramref name="scope"/>, each with why it belongs.</summary>
    /// <param name="scope">A model-version, dataset or IRB-protocol scope.</param>
    /// <param name="entryOf">A stream's entry in the index at the tree size, or null when it is not known.</param>
    /// <param name="seeds">
    /// The datasets the scope starts from, as the events tell them: for a model version, every dataset
    /// of its lineage (its training runs' inputs and, transitively, the parents they were derived
    /// from); for an IRB protocol, every dataset its approval or amendments covered; for a dataset, none.
    /// </param>
    public static IReadOnlyDictionary<Guid, string> Expected(BundleScope scope, Func<Guid, StreamIndexEntry?> entryOf, IEnumerable<Guid> seeds)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(entryOf);
        ArgumentNullException.ThrowIfNull(seeds);
        var streams = new Dictionary<Guid, string>();
        var datasets = new List<Guid>();
        void AddDataset(Guid dataset, string why)
        {
            if (streams.TryAdd(dataset, why))
            {
                datasets.Add(dataset);
            }
        }

        switch (scope.Kind)
        {
            case BundleScope.ModelVersionKind:
                streams[scope.ModelId!.Value] = "it is the scope's model";
                foreach (var dataset in seeds)
                {
                    AddDataset(dataset, "it is in the lineage of the model version's training runs");
                }

                AddReferrers(streams, datasets, entryOf, followDerived: false, models: false);
                break;
            case BundleScope.DatasetKind:
                AddDataset(scope.DatasetId!.Value, "it is the scope's dataset");
                AddReferrers(streams, datasets, entryOf, followDerived: true, models: true);
                break;
            case BundleScope.IrbProtocolKind:
                streams[scope.ProtocolId!.Value] = "it is the scope's IRB protocol";
                foreach (var dataset in seeds)
                {
                    AddDataset(dataset, $"IRB protocol {scope.ProtocolId} covered it");
                }

                AddReferrers(streams, datasets, entryOf, followDerived: true, models: true);
                break;
            default:
                throw new ArgumentException("A time range holds positions, not streams.", nameof(scope));
        }

        return streams;
    }

    // Walks the datasets' referrers by the index: derived datasets (transitively, when followed), the
    // protocols that covered any of them, and the models trained on any of them (when asked).
    private static void AddReferrers(Dictionary<Guid, string> streams, List<Guid> datasets, Func<Guid, StreamIndexEntry?> entryOf, bool followDerived, bool models)
    {
        for (var i = 0; i < datasets.Count; i++)
        {
            var dataset = datasets[i];
            if (entryOf(dataset) is not { } entry)
            {
                continue;
            }

            foreach (var referrer in entry.ReferencedBy)
            {
                var why = referrer.Type switch
                {
                    "dataset" when followDerived => $"it was derived from dataset {dataset}",
                    "irb-protocol" => $"it covered dataset {dataset}",
                    "model" when models => $"it was trained on dataset {dataset}",
                    _ => null,
                };
                if (why is not null && streams.TryAdd(referrer.Stream, why) && referrer.Type == "dataset")
                {
                    datasets.Add(referrer.Stream);
                }
            }
        }
    }
}
