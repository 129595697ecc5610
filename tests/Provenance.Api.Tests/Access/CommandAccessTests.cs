using Provenance.Api.Access;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Tests.Access;

/// <summary>Every write names the rule that decides who may send it: over REST and on each line of a bulk import alike.</summary>
public sealed class CommandAccessTests
{
    private static readonly Type[] Rules = [typeof(IDatasetWrite), typeof(IDatasetRegistration), typeof(IIrbWrite), typeof(IModelWrite), typeof(IAdministration)];

    [Fact]
    public void Every_command_names_exactly_one_access_rule()
    {
        var commands = typeof(ICommand).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ICommand).IsAssignableFrom(t)).ToList();

        Assert.NotEmpty(commands);
        Assert.All(commands, c => Assert.True(Rules.Count(r => r.IsAssignableFrom(c)) == 1, $"{c.Name} names {Rules.Count(r => r.IsAssignableFrom(c))} access rules"));
    }
}
