using Provenance.Domain.Common;
using Provenance.Domain.Irb;
using Provenance.Domain.Models;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Irb;

public sealed class IrbProtocolTimelineTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly DateOnly ApprovedOn = Day(2024, 1, 1);
    private static readonly IrbTerms Original = Terms(Guid.NewGuid());
    private static readonly IrbProtocolApproved Approved = new(Id, "Lakeshore IRB", "IRB00001234", "21-004512", "Sepsis early warning",
        "Dr. Rivera", ReviewType.FullBoard, null, ApprovedOn, ConsentBasis.BroadConsent, Original, "irb-admin", Start);

    private static IrbTerms Terms(params Guid[] covered) => new(null, [PermittedUse.ModelTraining], covered);

    private static IrbProtocolAmended Amended(DateOnly effective, IrbTerms terms, DateTimeOffset recordedAt) =>
        new(Id, effective, terms, "scope change", "irb-admin", recordedAt);

    private static IrbProtocol Fold(params object[] events) => IrbProtocol.Fold([Approved, .. events])!;

    [Fact]
    public void An_approval_is_active_with_its_terms_from_the_approval_date_on()
    {
        var protocol = Fold();

        Assert.Equal(new IrbStatusChange(ApprovedOn, IrbStatus.Active, "approved"), protocol.StatusOn(ApprovedOn));
        Assert.Same(Original, protocol.TermsOn(ApprovedOn));
        Assert.Null(protocol.StatusOn(ApprovedOn.AddDays(-1)));
        Assert.Null(protocol.TermsOn(ApprovedOn.AddDays(-1)));
    }

    [Fact]
    public void An_amendment_recorded_later_but_effective_earlier_slots_in_by_its_effective_date()
    {
        var july = Terms(Guid.NewGuid());
        var april = Terms(Guid.NewGuid());

        var protocol = Fold(Amended(Day(2024, 7, 1), july, At(Day(2024, 6, 1))), Amended(Day(2024, 4, 1), april, At(Day(2024, 6, 2))));

        Assert.Equal([ApprovedOn, Day(2024, 4, 1), Day(2024, 7, 1)], protocol.TermsHistory.Select(t => t.EffectiveOn));
        Assert.Same(Original, protocol.TermsOn(Day(2024, 3, 31)));
        Assert.Same(april, protocol.TermsOn(Day(2024, 5, 1)));
        Assert.Same(july, protocol.TermsOn(Day(2024, 8, 1)));
        Assert.Same(july, protocol.CurrentTerms);
    }

    [Fact]
    public void An_amendment_effective_the_same_day_as_earlier_terms_supersedes_them()
    {
        var corrected = Terms(Guid.NewGuid());

        var protocol = Fold(Amended(ApprovedOn, corrected, Start));

        Assert.Same(corrected, protocol.TermsOn(ApprovedOn));
    }

    [Fact]
    public void Status_changes_are_read_by_their_effective_dates()
    {
        var protocol = Fold(
            new IrbProtocolSuspended(Id, Day(2024, 3, 1), "audit finding", "irb-admin", Start),
            new IrbProtocolReinstated(Id, Day(2024, 4, 1), "audit resolved", "irb-admin", Start),
            new IrbProtocolClosed(Id, Day(2024, 7, 1), "study complete", "irb-admin", Start));

        Assert.Equal(IrbStatus.Active, protocol.StatusOn(Day(2024, 2, 29))!.Status);
        Assert.Equal(new IrbStatusChange(Day(2024, 3, 1), IrbStatus.Suspended, "audit finding"), protocol.StatusOn(Day(2024, 3, 15)));
        Assert.Equal(IrbStatus.Active, protocol.StatusOn(Day(2024, 4, 1))!.Status);
        Assert.Equal(IrbStatus.Closed, protocol.StatusOn(Day(2024, 7, 1))!.Status);
        Assert.Equal(IrbStatus.Closed, protocol.CurrentStatus);
    }

    [Fact]
    public void A_status_change_recorded_later_but_effective_earlier_slots_in_by_its_effective_date()
    {
        var protocol = Fold(
            new IrbProtocolTerminated(Id, Day(2024, 6, 1), "non-compliance", "irb-admin", At(Day(2024, 6, 1))),
            new IrbProtocolSuspended(Id, Day(2024, 3, 1), "audit finding", "irb-admin", At(Day(2024, 6, 2))));

        Assert.Equal([IrbStatus.Active, IrbStatus.Suspended, IrbStatus.Terminated], protocol.StatusHistory.Select(s => s.Status));
        Assert.Equal(IrbStatus.Suspended, protocol.StatusOn(Day(2024, 4, 1))!.Status);
        Assert.Equal(IrbStatus.Terminated, protocol.CurrentStatus);
    }

    [Fact]
    public void Status_changes_on_the_same_day_keep_their_recording_order()
    {
        var protocol = Fold(
            new IrbProtocolSuspended(Id, Day(2024, 3, 1), "audit finding", "irb-admin", Start),
            new IrbProtocolReinstated(Id, Day(2024, 3, 1), "resolved the same day", "irb-admin", Start));

        Assert.Equal("resolved the same day", protocol.StatusOn(Day(2024, 3, 1))!.Reason);
        Assert.Equal(IrbStatus.Active, protocol.CurrentStatus);
    }

    [Fact]
    public void A_protocol_stream_must_start_with_its_approval_and_an_empty_one_folds_to_nothing()
    {
        Assert.Null(IrbProtocol.Fold([]));
        Assert.Throws<InvalidOperationException>(() => IrbProtocol.Fold([Amended(ApprovedOn, Original, Start)]));
    }

    [Fact]
    public void An_event_of_another_stream_cannot_be_applied_to_a_protocol()
    {
        Assert.Throws<InvalidOperationException>(() => Fold().Apply(new ModelVersionReleased(Guid.NewGuid(), "1.0", "", "admin", Start)));
    }
}
