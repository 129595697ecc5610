using System.Globalization;
using Microsoft.Extensions.Logging;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;
using Provenance.Integrity.Witnessing;

namespace Provenance.Witness;

/// <summary>An answer to add-checkpoint: the HTTP status, the body and its media type.</summary>
public sealed record WitnessAnswer(int Status, string Body, string ContentType = "text/plain; charset=utf-8");

/// <summary>
/// The witness (c2sp.org/tlog-witness): for each log it knows, it remembers the latest checkpoint
/// it cosigned, and cosigns a new one only when the log signed it and it is proved consistent with
/// that one. It never cosigns two different trees of one size, and never moves back. Checking the
/// old size and recording the new checkpoint happen under one lock, so two requests can't roll the
/// state back between them.
/// </summary>
public sealed partial class Witness : IDisposable
{
    private readonly WitnessSigner _signer;
    private readonly WitnessState _state;
    private readonly Dictionary<string, VerifierKey> _logs;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    internal Witness(WitnessOptions options, TimeProvider clock, ILogger<Witness> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _signer = options.Signer;
        _logs = options.Logs.ToDictionary(k => k.Name, StringComparer.Ordinal);
        _state = WitnessState.Open(options.StateDirectory);
        (_clock, _logger) = (clock, logger);
    }

    /// <summary>The witness's public key.</summary>
    public WitnessKey Key => _signer.VerifierKey;

    /// <summary>The logs it witnesses.</summary>
    public IReadOnlyCollection<VerifierKey> Logs => _logs.Values;

    /// <summary>The latest checkpoint it cosigned for <paramref name="origin"/>, or null.</summary>
    public WitnessedCheckpoint? Latest(string origin) => _state.Latest(origin);

    /// <summary>Handles an add-checkpoint request body.</summary>
    public WitnessAnswer AddCheckpoint(string body)
    {
        AddCheckpointRequest request;
        Checkpoint checkpoint;
        string text;
        try
        {
            request = AddCheckpointRequest.Parse(body);
            text = CosignedNote.Text(request.SignedNote);
            checkpoint = Checkpoint.Parse(text);
        }
        catch (Exception e) when (e is FormatException or CheckpointVerificationException)
        {
            return new WitnessAnswer(400, $"The request is not an add-checkpoint request: {e.Message}\n");
        }

        if (!_logs.TryGetValue(checkpoint.Origin, out var logKey))
        {
            LogUnknownOrigin(_logger, checkpoint.Origin);
            return new WitnessAnswer(404, $"This witness does not witness the log \"{checkpoint.Origin}\".\n");
        }

        try
        {
            new CheckpointVerifier(logKey, checkpoint.Origin).Verify(request.SignedNote);
        }
        catch (CheckpointVerificationException e)
        {
            LogForged(_logger, checkpoint.Origin, checkpoint.TreeSize, e.Message);
            return new WitnessAnswer(403, $"The checkpoint carries no valid signature of the log's key {logKey.Name}+{logKey.KeyId:x8}: {e.Message}\n");
        }

        if (request.OldSize > checkpoint.TreeSize)
        {
            return new WitnessAnswer(400, $"The old size {request.OldSize} is larger than the checkpoint's size {checkpoint.TreeSize}.\n");
        }

        lock (_gate)
        {
            var latest = _state.Latest(checkpoint.Origin);
            var size = latest?.Size ?? 0;
            if (request.OldSize != size)
            {
                return Conflict(size);
            }

            var root = Convert.ToBase64String(checkpoint.RootHash.Span);
            if (latest is not null && request.OldSize == checkpoint.TreeSize)
            {
                if (latest.RootHash != root)
                {
                    // Two checkpoints the log signed, one size, two roots: the log shows two histories.
                    _state.RecordSplitView(checkpoint.Origin, latest, request.SignedNote, _clock.GetUtcNow());
                    LogSplitView(_logger, checkpoint.Origin, checkpoint.TreeSize, latest.RootHash, root);
                    return Conflict(size);
                }

                if (request.ConsistencyProof.Count != 0)
                {
                    return new WitnessAnswer(422, "Between equal sizes the consistency proof is empty.\n");
                }
            }
            else if (request.OldSize == 0)
            {
                if (request.ConsistencyProof.Count != 0)
                {
                    return new WitnessAnswer(422, "From the old size 0 the consistency proof is empty.\n");
                }
            }
            else
            {
                try
                {
                    MerkleTree.VerifyConsistency(request.OldSize, checkpoint.TreeSize, [.. request.ConsistencyProof], Convert.FromBase64String(latest!.RootHash), checkpoint.RootHash.ToArray());
                }
                catch (MerkleProofException e)
                {
                    LogInconsistent(_logger, checkpoint.Origin, request.OldSize, checkpoint.TreeSize, e.Message);
                    return new WitnessAnswer(422, $"The consistency proof from {request.OldSize} to {checkpoint.TreeSize} does not verify: {e.Message}\n");
                }
            }

            if (latest is null || checkpoint.TreeSize > latest.Size)
            {
                _state.Save(checkpoint.Origin, new WitnessedCheckpoint(checkpoint.TreeSize, root, request.SignedNote));
            }

            var cosignature = _signer.Sign(text, _clock.GetUtcNow());
            LogCosigned(_logger, checkpoint.Origin, checkpoint.TreeSize);
            return new WitnessAnswer(200, cosignature.ToLine());
        }
    }

    public void Dispose() => _state.Dispose();

    private static WitnessAnswer Conflict(ulong size) =>
        new(409, string.Create(CultureInfo.InvariantCulture, $"{size}\n"), AddCheckpointRequest.SizeMediaType);

    [LoggerMessage(LogLevel.Information, "Cosigned the checkpoint of {Origin} at tree size {TreeSize}")]
    private static partial void LogCosigned(ILogger logger, string origin, ulong treeSize);

    [LoggerMessage(LogLevel.Warning, "Refused a checkpoint of the unknown log {Origin}")]
    private static partial void LogUnknownOrigin(ILogger logger, string origin);

    [LoggerMessage(LogLevel.Warning, "Refused a checkpoint of {Origin} at tree size {TreeSize} without a valid log signature: {Reason}")]
    private static partial void LogForged(ILogger logger, string origin, ulong treeSize, string reason);

    [LoggerMessage(LogLevel.Critical, "Split view of {Origin}: a checkpoint of tree size {TreeSize} with root {Offered}, after cosigning root {Cosigned} at that size; the evidence is kept in split-views.ndjson")]
    private static partial void LogSplitView(ILogger logger, string origin, ulong treeSize, string cosigned, string offered);

    [LoggerMessage(LogLevel.Error, "The checkpoint of {Origin} at {NewSize} is not proved consistent with the cosigned one at {OldSize}: {Reason}")]
    private static partial void LogInconsistent(ILogger logger, string origin, ulong oldSize, ulong newSize, string reason);
}
