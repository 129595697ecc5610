using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Irb;
using Provenance.Domain.Models;
using Provenance.EventStore;
using Provenance.Ledger.Lineage;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Ledger.Models.Disclosing;

/// <summary>
/// Everything a model version's model card and disclosure derive from (#18), as the ledger stood at
/// <see cref="Position"/>: the model, the datasets its training inputs came from (with their
/// derivation ancestors) and the IRB protocols that ever covered them, each folded here from its
/// events so that every fact can name the log position it rests on (<see cref="PositionOf"/>).
/// </summary>
internal sealed class ModelDossier
{
    private readonly Dictionary<object, long> _positions;
    private readonly ILookup<Guid, RecordedEvent> _events;

    private ModelDossier(
        Model model, ModelVersion version, ClearanceFacts facts, long position, DateOnly day, Dictionary<object, long> positions, ILookup<Guid, RecordedEvent> events)
    {
        (Model, Version, Facts, Position, Day, _positions, _events) = (model, version, facts, position, day, positions, events);
    }

    public Model Model { get; }

    public ModelVersion Version { get; }

    /// <summary>The datasets (inputs and their ancestors) and the protocols that ever covered them.</summary>
    public ClearanceFacts Facts { get; }

    /// <summary>The log position the dossier was read at.</summary>
    public long Position { get; }

    /// <summary>The day "today" means: clearance and status are also judged on it.</summary>
    public DateOnly Day { get; }

    /// <summary>The datasets the version trained on directly, in the order first used.</summary>
    public IReadOnlyList<Dataset> InputDatasets =>
        [.. Version.TrainingInputs.Select(i => i.DatasetId).Distinct().Select(id => Facts.Datasets.GetValueOrDefault(id)).OfType<Dataset>()];

    /// <summary>The log position of an event this dossier folded (by reference), or null.</summary>
    public long? PositionOf(object? @event) => @event is not null && _positions.TryGetValue(@event, out var position) ? position : null;

    /// <summary>The positions of every event of <paramref name="streamId"/> in the dossier.</summary>
    public IEnumerable<long> PositionsOfStream(Guid streamId) => _events[streamId].Select(e => e.Position);

    /// <summary>The position of a stream's first event (a dataset's registration, a protocol's approval).</summary>
    public long? FirstPositionOf(Guid streamId) => _events[streamId].FirstOrDefault()?.Position;

    /// <summary>The events of type <typeparamref name="T"/> of <paramref name="streamId"/>.</summary>
    public IEnumerable<T> EventsOf<T>(Guid streamId) => _events[streamId].Select(e => e.Data).OfType<T>();

    /// <summary>The positions of <paramref name="events"/> that the dossier holds.</summary>
    public IReadOnlyList<long> Cite(params object?[] events) => [.. events.Select(PositionOf).OfType<long>().Distinct().Order()];

    /// <summary>Reads a model version's dossier at a log position.</summary>
    internal sealed class Loader(PostgresEventStore store, LineageReader lineage)
    {
        public async Task<ModelDossier> LoadAsync(Guid modelId, string version, long position, DateOnly day, CancellationToken cancellationToken)
        {
            var modelEvents = await store.ReadStreamsAsync([modelId], position, cancellationToken).ToListAsync(cancellationToken);
            if (modelEvents.Count == 0 || modelEvents[0].Data is not ModelRegistered)
            {
                throw new NotFoundException("model", modelId);
            }

            var model = Model.Fold(modelEvents.Select(e => e.Data))!;
            var modelVersion = model.Version(version) ?? throw new NotFoundException($"The model {modelId} has no version {version}.");

            // Which streams: the inputs' datasets and their ancestors (one walk of the lineage tables), and
            // every protocol that ever covered one. Each is read once, with its positions, and folded here.
            var inputs = modelVersion.TrainingInputs.ToList();
            var ancestors = await lineage.UpstreamAsync(inputs, position, cancellationToken);
            var datasetIds = inputs.Select(i => i.DatasetId).Concat(ancestors.Select(a => a.Parent.DatasetId)).Distinct().ToList();
            var protocolIds = await lineage.ProtocolsCoveringAsync(datasetIds, position, cancellationToken);
            var events = modelEvents.Concat(await store.ReadStreamsAsync([.. datasetIds, .. protocolIds], position, cancellationToken).ToListAsync(cancellationToken)).ToList();
            var positions = new Dictionary<object, long>(ReferenceEqualityComparer.Instance);
            foreach (var recorded in events)
            {
                positions[recorded.Data] = recorded.Position;
            }

            var byStream = events.ToLookup(e => e.StreamId);
            var datasets = datasetIds.Select(id => Dataset.Fold(byStream[id].Select(e => e.Data))).OfType<Dataset>().ToDictionary(d => d.Id);
            var protocols = protocolIds.Select(id => IrbProtocol.Fold(byStream[id].Select(e => e.Data))).OfType<IrbProtocol>().ToList();
            return new ModelDossier(model, model.Version(version)!, new ClearanceFacts(datasets, protocols), position, day, positions, byStream);
        }
    }
}
