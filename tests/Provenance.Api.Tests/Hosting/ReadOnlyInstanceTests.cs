using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// #8: an instance for a read replica (<c>Provenance:Database:ReadOnly</c>) answers reads, refuses
/// every write with 503 before reading it, and runs none of the background writers.
/// </summary>
public sealed class ReadOnlyInstanceTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_read_only_instance_answers_reads_refuses_writes_and_writes_nothing_in_the_background()
    {
        using var created = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Read through a read-only instance")));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var before = await api.CountEventsAsync();
        await using var readOnly = api.NewInstance().WithWebHostBuilder(web => web.UseSetting("Provenance:Database:ReadOnly", "true"));
        using var client = api.AdminClientOf(readOnly);

        var read = await client.GetFromJsonAsync<JsonElement>($"/datasets/{id}");
        using var write = await client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Refused by a read-only instance")));

        Assert.Equal("Read through a read-only instance", read.GetProperty("name").GetString());
        var problem = await Problems.AssertAsync(write, HttpStatusCode.ServiceUnavailable, "read-only-instance");
        Assert.Contains("primary", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await api.CountEventsAsync());
        var background = readOnly.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        Assert.DoesNotContain("BackgroundWork", background);
        Assert.Contains("BackgroundWork", api.Service<IEnumerable<IHostedService>>().Select(s => s.GetType().Name));
        Assert.DoesNotContain("MigrationHostedService", background);
    }
}
