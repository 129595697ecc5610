using Provenance.Domain.Common;

namespace Provenance.Domain.Irb;

public enum IrbStatus
{
    Active,
    Suspended,
    Terminated,
    Closed,
}

/// <summary>
/// Where a protocol stands on a day, the one notion of its status that every read gives (#14): its
/// recorded status, or <see cref="Expired"/> while active past its terms' expiry, or
/// <see cref="NotYetApproved"/> before its approval.
/// </summary>
public enum IrbStanding
{
    NotYetApproved,
    Active,
    Expired,
    Suspended,
    Terminated,
    Closed,
}

/// <summary>A status that holds from a date on.</summary>
public sealed record IrbStatusChange(DateOnly EffectiveOn, IrbStatus Status, string Reason);

/// <summary>A dated version of the protocol's terms.</summary>
public sealed record DatedIrbTerms(DateOnly EffectiveOn, IrbTerms Terms);

/// <summary>An IRB protocol folded from its stream, keeping its whole timeline so it can be read on any date.</summary>
public sealed record IrbProtocol(IrbProtocolApproved Approval, IReadOnlyList<DatedIrbTerms> TermsHistory, IReadOnlyList<IrbStatusChange> StatusHistory)
{
    public Guid Id => Approval.ProtocolId;

    /// <summary>The status as last recorded (regardless of dates).</summary>
    public IrbStatus CurrentStatus => StatusHistory[^1].Status;

    public IrbTerms CurrentTerms => TermsHistory[^1].Terms;

    /// <summary>The terms in force on <paramref name="day"/> (null before approval).</summary>
    public IrbTerms? TermsOn(DateOnly day) => TermsHistory.LastOrDefault(t => t.EffectiveOn <= day)?.Terms;

    /// <summary>The status on <paramref name="day"/> (null before approval).</summary>
    public IrbStatusChange? StatusOn(DateOnly day) => StatusHistory.LastOrDefault(s => s.EffectiveOn <= day);

    /// <summary>Where the protocol stands on <paramref name="day"/>: its status, with expiry and approval taken into account.</summary>
    public IrbStanding StandingOn(DateOnly day) => StatusOn(day)?.Status switch
    {
        null => IrbStanding.NotYetApproved,
        IrbStatus.Active => TermsOn(day)?.ExpiresOn is { } expires && expires < day ? IrbStanding.Expired : IrbStanding.Active,
        IrbStatus.Suspended => IrbStanding.Suspended,
        IrbStatus.Terminated => IrbStanding.Terminated,
        _ => IrbStanding.Closed,
    };

    public static IrbProtocol Create(IrbProtocolApproved approved)
    {
        ArgumentNullException.ThrowIfNull(approved);
        return new(approved, [new(approved.ApprovedOn, approved.Terms)], [new(approved.ApprovedOn, IrbStatus.Active, "approved")]);
    }

    public IrbProtocol Apply(object @event) => @event switch
    {
        IrbProtocolAmended e => this with { TermsHistory = Insert(TermsHistory, new(e.EffectiveOn, e.Terms), t => t.EffectiveOn) },
        IrbProtocolSuspended e => WithStatus(e.EffectiveOn, IrbStatus.Suspended, e.Reason),
        IrbProtocolReinstated e => WithStatus(e.EffectiveOn, IrbStatus.Active, e.Reason),
        IrbProtocolTerminated e => WithStatus(e.EffectiveOn, IrbStatus.Terminated, e.Reason),
        IrbProtocolClosed e => WithStatus(e.EffectiveOn, IrbStatus.Closed, e.Reason),
        _ => throw new InvalidOperationException($"A {@event.GetType().Name} cannot be applied to IRB protocol {Id}."),
    };

    public static IrbProtocol? Fold(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        IrbProtocol? state = null;
        foreach (var @event in events)
        {
            state = state is null
                ? @event is IrbProtocolApproved approved ? Create(approved) : throw new InvalidOperationException("An IRB protocol starts with its approval.")
                : state.Apply(@event);
        }

        return state;
    }

    private IrbProtocol WithStatus(DateOnly on, IrbStatus status, string reason) =>
        this with { StatusHistory = Insert(StatusHistory, new(on, status, reason), s => s.EffectiveOn) };

    // Changes are kept in effective-date order; one recorded later but effective earlier slots in
    // before the later ones, and ties keep recording order.
    private static List<T> Insert<T>(IReadOnlyList<T> list, T item, Func<T, DateOnly> on)
    {
        var copy = list.ToList();
        var index = copy.FindLastIndex(x => on(x) <= on(item)) + 1;
        copy.Insert(index, item);
        return copy;
    }
}
