using Provenance.Domain.Common;
using Provenance.Domain.Irb;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Irb;

public sealed class ChangingIrbStatusTests
{
    private static readonly DateOnly ApprovedOn = Day(2024, 1, 15);
    private static readonly DateOnly March = Day(2024, 3, 1);

    private static IrbProtocol Active() => IrbProtocol.Create(new IrbProtocolApproved(Guid.NewGuid(), "Lakeshore IRB", "IRB00001234", "21-004512",
        "Sepsis early warning", "Dr. Rivera", ReviewType.Expedited, null, ApprovedOn, ConsentBasis.WaiverOrAlteration,
        new IrbTerms(null, [PermittedUse.ModelTraining], [Guid.NewGuid()]), "irb-admin", Start));

    private static object Change(IrbProtocol protocol, IrbStatus to, DateOnly on) => to switch
    {
        IrbStatus.Suspended => new IrbProtocolSuspended(protocol.Id, on, "audit finding", "irb-admin", Start),
        IrbStatus.Active => new IrbProtocolReinstated(protocol.Id, on, "audit resolved", "irb-admin", Start),
        IrbStatus.Terminated => new IrbProtocolTerminated(protocol.Id, on, "non-compliance", "irb-admin", Start),
        _ => new IrbProtocolClosed(protocol.Id, on, "study complete", "irb-admin", Start),
    };

    // A protocol whose status was changed to `status` on 2024-03-01 (or left active).
    private static IrbProtocol In(IrbStatus status)
    {
        var protocol = Active();
        return status == IrbStatus.Active ? protocol : protocol.Apply(Change(protocol, status, March));
    }

    private static object Decide(IrbProtocol protocol, IrbStatus to, DateOnly on) =>
        ManageIrbProtocol.ChangeStatus(protocol, Change(protocol, to, on), on, to);

    [Theory]
    [InlineData(IrbStatus.Active, IrbStatus.Suspended)]
    [InlineData(IrbStatus.Suspended, IrbStatus.Active)]
    [InlineData(IrbStatus.Active, IrbStatus.Terminated)]
    [InlineData(IrbStatus.Suspended, IrbStatus.Terminated)]
    [InlineData(IrbStatus.Active, IrbStatus.Closed)]
    [InlineData(IrbStatus.Suspended, IrbStatus.Closed)]
    public void A_permitted_status_change_is_recorded_as_given(IrbStatus from, IrbStatus to)
    {
        var protocol = In(from);
        var change = Change(protocol, to, Day(2024, 4, 1));

        Assert.Same(change, ManageIrbProtocol.ChangeStatus(protocol, change, Day(2024, 4, 1), to));
    }

    [Fact]
    public void Only_an_active_protocol_can_be_suspended()
    {
        var violation = Refused.Single(() => Decide(In(IrbStatus.Suspended), IrbStatus.Suspended, Day(2024, 4, 1)));

        Assert.Equal(("status", "invalid-transition"), (violation.Field, violation.Code));
        Assert.EndsWith("that is suspended cannot become suspended.", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_suspended_protocol_can_be_reinstated()
    {
        var violation = Refused.Single(() => Decide(In(IrbStatus.Active), IrbStatus.Active, Day(2024, 4, 1)));

        Assert.Equal(("status", "invalid-transition"), (violation.Field, violation.Code));
        Assert.EndsWith("that is active cannot become active.", violation.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IrbStatus.Terminated, IrbStatus.Active)]
    [InlineData(IrbStatus.Terminated, IrbStatus.Suspended)]
    [InlineData(IrbStatus.Terminated, IrbStatus.Terminated)]
    [InlineData(IrbStatus.Terminated, IrbStatus.Closed)]
    [InlineData(IrbStatus.Closed, IrbStatus.Active)]
    [InlineData(IrbStatus.Closed, IrbStatus.Suspended)]
    [InlineData(IrbStatus.Closed, IrbStatus.Terminated)]
    [InlineData(IrbStatus.Closed, IrbStatus.Closed)]
    public void An_ended_protocol_takes_no_further_status_change(IrbStatus ended, IrbStatus to)
    {
        var violation = Refused.Single(() => Decide(In(ended), to, Day(2024, 4, 1)));

        Assert.Equal(("protocolId", "protocol-ended"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_change_dated_before_the_last_change_is_rejected()
    {
        var violation = Refused.Single(() => Decide(In(IrbStatus.Suspended), IrbStatus.Active, March.AddDays(-1)));

        Assert.Equal(("effectiveOn", "change-before-last-change"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_change_dated_before_the_approval_is_rejected()
    {
        Assert.Equal(["change-before-last-change"], Refused.Codes(() => Decide(In(IrbStatus.Active), IrbStatus.Suspended, ApprovedOn.AddDays(-1))));
    }

    [Fact]
    public void A_change_on_the_day_of_the_last_change_is_accepted()
    {
        Assert.IsType<IrbProtocolReinstated>(Decide(In(IrbStatus.Suspended), IrbStatus.Active, March));
    }

    [Fact]
    public void A_wrong_transition_and_a_wrong_date_are_reported_together()
    {
        var codes = Refused.Codes(() => Decide(In(IrbStatus.Suspended), IrbStatus.Suspended, March.AddDays(-1)));

        Assert.Equal(["invalid-transition", "change-before-last-change"], codes);
    }
}
