using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// #15: settings are bound to validated options, so a setting out of range stops the service at
/// start and names itself, instead of being ignored or silently replaced by its default. Each case
/// would start (and serve with the default) if its section were not bound and validated.
/// </summary>
public sealed class SettingsValidationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("Provenance:Limits:MaxRequestBodyBytes", "0", "MaxRequestBodyBytes")]
    [InlineData("Provenance:Limits:MaxImportBodyBytes", "-1", "MaxImportBodyBytes")]
    [InlineData("Provenance:Cache:StreamEvents", "0", "StreamEvents")]
    [InlineData("Provenance:Cache:LineageBytes", "-1", "LineageBytes")]
    [InlineData("Provenance:Health:AppendFailureThreshold", "0", "AppendFailureThreshold")]
    [InlineData("Provenance:Health:AppendRecoverySeconds", "0", "AppendRecoverySeconds")]
    [InlineData("Provenance:Auth:KeyRecheckInterval", "02:00:00", "KeyRecheckInterval")]
    [InlineData("Provenance:Background:ReadWait", "00:01:00", "ReadWait")]
    [InlineData("Provenance:Background:SafetyPoll", "00:00:00", "SafetyPoll")]
    public void A_setting_out_of_range_stops_the_service_at_start_and_names_itself(string setting, string value, string member)
    {
        using var instance = api.NewInstance(web => web.UseSetting(setting, value));

        var error = Record.Exception(() => instance.CreateClient());

        // The whole exception on failure: a start that fails for another reason must say which.
        var validation = Innermost<OptionsValidationException>(error) as OptionsValidationException;
        Assert.True(validation is not null, $"expected the start to fail on {setting}; it failed with: {error}");
        Assert.Contains(validation.Failures, f => f.Contains(member, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_setting_in_range_takes_effect()
    {
        // A body limit lowered to 2 KiB refuses a 4 KiB body that the default (1 MiB) would read.
        await using var instance = api.NewInstance(web => web.UseSetting("Provenance:Limits:MaxRequestBodyBytes", "2048"));
        using var client = instance.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", api.AdminKey);

        using var response = await client.PostAsync("/datasets", new StringContent(new string(' ', 4096), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private static Exception? Innermost<T>(Exception? error)
        where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T)
            {
                return e;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(Innermost<T>).FirstOrDefault(x => x is not null) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
