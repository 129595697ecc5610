using System.Net;
using System.Text.Json.Nodes;

namespace Provenance.Api.Tests.Http;

/// <summary>Bad input gets a clear problem naming the field and the reason, and writes no event.</summary>
public sealed class BadInputTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static JsonObject Body() => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Requests.ValidDataset()))!.AsObject();

    private async Task<System.Text.Json.JsonElement> RejectedAsync(HttpRequestMessage request, HttpStatusCode status, string type)
    {
        var before = await api.CountEventsAsync();
        using var response = await api.Client.SendAsync(request);
        var problem = await Problems.AssertAsync(response, status, type);
        Assert.Equal(before, await api.CountEventsAsync());
        return problem;
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    public async Task Malformed_json_is_a_400_and_writes_nothing(string body)
    {
        await RejectedAsync(Requests.PostRaw("/datasets", body), HttpStatusCode.BadRequest, "malformed-request");
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_a_400_naming_the_field()
    {
        var body = Body();
        body["recordCount"] = "twelve";

        var problem = await RejectedAsync(Requests.PostRaw("/datasets", body.ToJsonString()), HttpStatusCode.BadRequest, "malformed-request");

        Assert.Single(Problems.Reasons(problem, "recordCount"));
    }

    [Fact]
    public async Task A_malformed_date_is_a_400_naming_the_field()
    {
        var body = Body();
        body["collectionPeriod"]!["start"] = "2019-13-45";

        var problem = await RejectedAsync(Requests.PostRaw("/datasets", body.ToJsonString()), HttpStatusCode.BadRequest, "malformed-request");

        Assert.Single(Problems.Reasons(problem, "collectionPeriod.start"));
    }

    [Fact]
    public async Task An_unknown_field_is_a_400_naming_it()
    {
        var body = Body();
        body["patientNames"] = new JsonArray("must never be accepted");

        var problem = await RejectedAsync(Requests.PostRaw("/datasets", body.ToJsonString()), HttpStatusCode.BadRequest, "malformed-request");

        Assert.Equal(["is not a known field"], Problems.Reasons(problem, "patientNames"));
    }

    [Fact]
    public async Task Missing_fields_are_a_422_listing_every_one()
    {
        var problem = await RejectedAsync(Requests.PostRaw("/datasets", "{}"), HttpStatusCode.UnprocessableEntity, "validation-failed");

        foreach (var field in new[] { "name", "steward", "sourceInstitution", "collectionPeriod", "recordCount", "patientCount" })
        {
            Assert.Equal(["is required"], Problems.Reasons(problem, field));
        }

        // #14: a missing enum says what it may be.
        Assert.Equal(["is required: one of structured-ehr, clinical-notes, imaging-ct, imaging-mri, imaging-xray, pathology-slides, ecg-waveforms, genomics, other"],
            Problems.Reasons(problem, "modality"));
    }

    [Fact]
    public async Task An_over_long_name_is_a_422_with_the_limit()
    {
        var body = Body();
        body["name"] = new string('x', 201);

        var problem = await RejectedAsync(Requests.PostRaw("/datasets", body.ToJsonString()), HttpStatusCode.UnprocessableEntity, "validation-failed");

        Assert.Equal(["must be at most 200 characters (it has 201)"], Problems.Reasons(problem, "name"));
    }

    [Fact]
    public async Task Control_characters_in_a_name_are_a_422()
    {
        var body = Body();
        body["name"] = "EHR\u0000extract";

        var problem = await RejectedAsync(Requests.PostRaw("/datasets", body.ToJsonString()), HttpStatusCode.UnprocessableEntity, "validation-failed");

        Assert.Equal(["must not contain control characters"], Problems.Reasons(problem, "name"));
    }

    [Fact]
    public async Task An_unknown_modality_is_a_422_listing_the_allowed_values()
    {
        var body = Body();
        body["modality"] = "x-ray";

        var problem = await RejectedAsync(Requests.PostRaw("/datasets", body.ToJsonString()), HttpStatusCode.UnprocessableEntity, "validation-failed");

        Assert.Contains("imaging-xray", Assert.Single(Problems.Reasons(problem, "modality")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_negative_count_is_a_422()
    {
        var body = Body();
        body["patientCount"] = -1;

        var problem = await RejectedAsync(Requests.PostRaw("/datasets", body.ToJsonString()), HttpStatusCode.UnprocessableEntity, "validation-failed");

        Assert.Single(Problems.Reasons(problem, "patientCount"));
    }

    [Fact]
    public async Task Breaking_the_domain_rules_is_a_422_listing_every_violation()
    {
        var body = Body();
        body["collectionPeriod"] = new JsonObject { ["start"] = "2023-01-01", ["end"] = "2020-12-31" };
        body["patientCount"] = 2_000_000;

        var problem = await RejectedAsync(Requests.PostRaw("/datasets", body.ToJsonString()), HttpStatusCode.UnprocessableEntity, "rule-violated");

        var codes = problem.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("code").GetString()!).Order().ToArray();
        Assert.Equal(["collection-period-reversed", "more-patients-than-records"], codes);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        await RejectedAsync(Requests.PostRaw("/datasets", "name=x", "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task A_malformed_idempotency_key_is_a_422()
    {
        var request = Requests.Post("/datasets", Requests.ValidDataset());
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 201));

        var problem = await RejectedAsync(request, HttpStatusCode.UnprocessableEntity, "validation-failed");

        Assert.Single(Problems.Reasons(problem, "Idempotency-Key"));
    }

    [Fact]
    public async Task An_address_that_does_not_exist_is_a_404_problem()
    {
        using var response = await api.Client.GetAsync("/no-such-thing");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "not-found");
    }
}
