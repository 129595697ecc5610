using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Provenance.Api.Tests.Http;

public sealed class IdempotencyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Retrying_with_the_same_key_and_body_returns_the_original_response_and_writes_nothing()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset(), key));
        var before = await api.CountEventsAsync();

        using var retry = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset(), key));

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.Equal(["true"], retry.Headers.GetValues("Idempotent-Replayed"));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_body_is_a_422_and_writes_nothing()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("First"), key));
        var before = await api.CountEventsAsync();

        using var reuse = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Second"), key));

        await Problems.AssertAsync(reuse, HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Concurrent_retries_of_one_request_create_one_dataset()
    {
        var key = Guid.NewGuid().ToString();
        var before = await api.CountEventsAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Concurrent"), key))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        Assert.Equal(before + 1, await api.CountEventsAsync());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Requests_without_a_key_are_not_deduplicated()
    {
        var before = await api.CountEventsAsync();

        using var first = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset()));
        using var second = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset()));

        Assert.NotEqual(first.Headers.Location, second.Headers.Location);
        Assert.Equal(before + 2, await api.CountEventsAsync());
    }
}
