using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Provenance.Ledger.Access;

namespace Provenance.Api.Tests.Hosting;

public sealed class HostTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_given_correlation_id_is_echoed_and_recorded_in_the_event_metadata()
    {
        using var response = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset(), correlationId: "audit-2026-0042"));

        Assert.Equal(["audit-2026-0042"], response.Headers.GetValues("X-Correlation-Id"));
        var history = await api.Client.GetFromJsonAsync<JsonElement>($"{response.Headers.Location}/events");
        Assert.Equal("audit-2026-0042", history.GetProperty("items")[0].GetProperty("metadata").GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task A_missing_or_unsafe_correlation_id_is_replaced_by_a_generated_one()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", "<script>alert(1)</script>");

        using var response = await api.Client.SendAsync(request);

        var id = Assert.Single(response.Headers.GetValues("X-Correlation-Id"));
        Assert.True(Guid.TryParse(id, out _));
    }

    [Fact]
    public async Task Error_responses_carry_the_correlation_id_too()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/datasets/{Guid.NewGuid()}");
        request.Headers.Add("X-Correlation-Id", "err-7");

        using var response = await api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["err-7"], response.Headers.GetValues("X-Correlation-Id"));
    }

    [Fact]
    public async Task Each_request_is_logged_once_with_method_path_template_status_elapsed_correlation_id_and_principal()
    {
        var correlationId = "log-" + Guid.NewGuid().ToString("N");
        var id = Guid.NewGuid();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/datasets/{id}?asOf=2026-01-01T00:00:00Z");
        request.Headers.Add("X-Correlation-Id", correlationId);

        using var response = await api.Client.SendAsync(request);

        var entry = Assert.Single(RequestLines(correlationId));
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal("GET", entry.Properties["RequestMethod"]);
        Assert.Equal($"/datasets/{id}", entry.Properties["RequestPath"]);
        Assert.Equal("/datasets/{id:guid}", entry.Properties["PathTemplate"]);
        Assert.Equal(404, entry.Properties["StatusCode"]);
        Assert.IsType<double>(entry.Properties["Elapsed"]);
        Assert.Equal(ReservedPrincipals.BootstrapAdmin, entry.Properties["Principal"]);
        Assert.DoesNotContain("asOf", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(entry.Properties.Values, v => v?.ToString()?.Contains("asOf", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task An_anonymous_request_and_an_unmatched_path_are_logged_as_such()
    {
        var correlationId = "anon-" + Guid.NewGuid().ToString("N");
        using var anonymous = api.Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Get, "/no/such/path");
        request.Headers.Add("X-Correlation-Id", correlationId);

        using var response = await anonymous.SendAsync(request);

        var entry = Assert.Single(RequestLines(correlationId));
        Assert.Equal("anonymous", entry.Properties["Principal"]);
        Assert.Equal("(none)", entry.Properties["PathTemplate"]);
        Assert.Equal((int)response.StatusCode, entry.Properties["StatusCode"]);
    }

    private IEnumerable<CapturedLog> RequestLines(string correlationId) => api.Logs.Entries.Where(e =>
        e.Properties.ContainsKey("RequestMethod") && Equals(e.Properties.GetValueOrDefault("CorrelationId"), correlationId));

    [Fact]
    public async Task Request_logs_never_contain_the_body()
    {
        var marker = "Body-Marker-" + Guid.NewGuid().ToString("N");

        using var response = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset(marker)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain(api.Logs.Entries, e => e.Message.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Liveness_and_readiness_report_healthy_with_the_database_up()
    {
        using var live = await api.Client.GetAsync("/health/live");
        using var ready = await api.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_with_its_errors()
    {
        var document = await api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        var register = paths.GetProperty("/datasets").GetProperty("post");
        Assert.True(register.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        foreach (var status in new[] { "201", "400", "415", "422" })
        {
            Assert.True(register.GetProperty("responses").TryGetProperty(status, out _), $"POST /datasets documents {status}");
        }

        Assert.True(paths.GetProperty("/datasets/{id}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));
        Assert.True(paths.GetProperty("/datasets/{id}/events").GetProperty("get").GetProperty("responses").TryGetProperty("200", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("RegisterDatasetRequest", out _));
    }

    [Fact]
    public async Task Bug_14_the_openapi_document_marks_only_required_members_required_and_lists_enum_values()
    {
        var document = await api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schemas = document.GetProperty("components").GetProperty("schemas");
        string[] Required(string schema) => schemas.GetProperty(schema).GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToArray();
        string[] Enum(JsonElement property) => (property.TryGetProperty("items", out var items) ? items : property).GetProperty("enum")
            .EnumerateArray().Select(v => v.GetString()!).ToArray();

        Assert.Equal(["name", "steward", "sourceInstitution", "modality", "collectionPeriod", "recordCount", "patientCount"], Required("RegisterDatasetRequest"));
        Assert.Equal(["permittedUses", "coveredDatasetIds"], Required("IrbTermsRequest"));
        Assert.DoesNotContain("derivedFrom", Required("ContributeVersionRequest"));
        Assert.Contains("imaging-ct", Enum(schemas.GetProperty("RegisterDatasetRequest").GetProperty("properties").GetProperty("modality")));
        Assert.Contains("model-training", Enum(schemas.GetProperty("IrbTermsRequest").GetProperty("properties").GetProperty("permittedUses")));
        Assert.Equal(["exempt", "expedited", "full-board"], Enum(schemas.GetProperty("ApproveProtocolRequest").GetProperty("properties").GetProperty("reviewType")));
        var bundle = document.GetProperty("paths").GetProperty("/audit-bundles").GetProperty("get").GetProperty("responses").GetProperty("200");
        Assert.True(bundle.GetProperty("content").TryGetProperty("application/zip", out _));
        var anonymous = document.GetProperty("paths").GetProperty("/checkpoints/public-key").GetProperty("get");
        Assert.Equal(JsonValueKind.Object, Assert.Single(anonymous.GetProperty("security").EnumerateArray()).ValueKind);
        Assert.False(document.GetProperty("servers")[0].GetProperty("url").GetString()!.EndsWith('/'));
        Assert.All(document.GetProperty("tags").EnumerateArray(), t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString())));
    }
}
