using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Provenance.Domain.Access;

namespace Provenance.Api.Tests.Access;

/// <summary>
/// Every endpoint the service maps, for every kind of caller: allowed, or refused before the
/// endpoint runs (401 without credentials, 403 without the role). A new endpoint that is not in
/// <see cref="Matrix"/> fails the first test, so none ships without a decided rule.
/// </summary>
public sealed class RoleMatrixTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    public enum Caller
    {
        Anonymous,
        Steward,
        StewardOfAnotherInstitution,
        IrbReviewer,
        Regulator,
        Admin,
    }

    /// <summary>The rules, as in docs/security.md: public, read, dataset, IRB, model, import, export, admin.</summary>
    private static readonly Dictionary<char, Caller[]> Allowed = new()
    {
        ['P'] = Enum.GetValues<Caller>(),
        ['R'] = [Caller.Steward, Caller.StewardOfAnotherInstitution, Caller.IrbReviewer, Caller.Regulator, Caller.Admin],
        ['D'] = [Caller.Steward, Caller.Admin],
        ['I'] = [Caller.IrbReviewer, Caller.Admin],
        ['M'] = [Caller.Steward, Caller.StewardOfAnotherInstitution, Caller.Admin],
        ['X'] = [Caller.Steward, Caller.StewardOfAnotherInstitution, Caller.IrbReviewer, Caller.Admin],
        ['E'] = [Caller.Regulator, Caller.Admin],
        ['A'] = [Caller.Admin],
    };

    private static readonly Dictionary<string, char> Matrix = new(StringComparer.Ordinal)
    {
        ["GET /openapi/{documentName}.json"] = 'P',
        ["GET /health/live"] = 'P',
        ["GET /health/ready"] = 'P',
        ["GET /checkpoints/public-key"] = 'P',
        ["GET /access/sign-in"] = 'P',
        ["GET /checkpoints/latest"] = 'P',
        ["GET /openlineage/facets/{name}.json"] = 'P',
        ["GET /docs/{documentName?}"] = 'P',
        ["GET /docs/scalar.js"] = 'P',
        ["GET /docs/scalar.aspnetcore.js"] = 'P',
        ["GET /docs/favicon.svg"] = 'P',
        // #20: the Prometheus scrape; administrators (or the scrape credential, tested in MetricsTests).
        ["GET /metrics"] = 'A',
        // #21: the workspace's overview; every reading role.
        ["GET /overview"] = 'R',
        ["GET /datasets/{id:guid}/review"] = 'R',
        ["GET /access/me"] = 'R',
        ["GET /datasets/"] = 'R',
        ["GET /datasets/{id:guid}"] = 'R',
        ["GET /datasets/{id:guid}/events"] = 'R',
        ["GET /datasets/{id:guid}/versions"] = 'R',
        ["GET /datasets/{id:guid}/versions/{version:int}"] = 'R',
        ["GET /datasets/{id:guid}/deidentification-decisions/{decisionId:guid}"] = 'R',
        ["GET /datasets/{id:guid}/licenses/{licenseId:guid}"] = 'R',
        ["GET /datasets/{id:guid}/consent-withdrawals/{withdrawalId:guid}"] = 'R',
        ["GET /datasets/{id:guid}/versions/{version:int}/clearance"] = 'R',
        ["GET /datasets/{id:guid}/versions/{version:int}/impact"] = 'R',
        ["GET /datasets/{id:guid}/versions/{version:int}/dps"] = 'R',
        ["GET /irb/protocols/"] = 'R',
        ["GET /irb/protocols/{id:guid}"] = 'R',
        ["GET /irb/protocols/{id:guid}/events"] = 'R',
        ["GET /irb/protocols/{id:guid}/usage"] = 'R',
        ["GET /models/"] = 'R',
        ["GET /models/{id:guid}"] = 'R',
        ["GET /models/{id:guid}/events"] = 'R',
        ["GET /models/{id:guid}/versions/{modelVersion}"] = 'R',
        ["GET /models/{id:guid}/training-runs/{runId:guid}"] = 'R',
        ["GET /models/{id:guid}/versions/{modelVersion}/lineage"] = 'R',
        ["GET /models/{id:guid}/versions/{modelVersion}/change-control"] = 'R',
        ["GET /models/{id:guid}/versions/{modelVersion}/model-card"] = 'R',
        ["GET /models/{id:guid}/versions/{modelVersion}/disclosure"] = 'R',
        ["GET /models/{id:guid}/versions/{modelVersion}/openlineage"] = 'R',
        ["GET /checkpoints/{treeSize:long}"] = 'R',
        ["GET /checkpoints/consistency-proof"] = 'R',
        ["GET /events/{position:long}/inclusion-proof"] = 'R',
        ["GET /streams/{id:guid}/index-proof"] = 'R',
        ["POST /datasets/"] = 'D',
        ["POST /datasets/{id:guid}/versions"] = 'D',
        ["POST /datasets/{id:guid}/versions/{version:int}/quarantine"] = 'D',
        ["POST /datasets/{id:guid}/versions/{version:int}/release"] = 'D',
        ["POST /datasets/{id:guid}/retirement"] = 'D',
        ["POST /datasets/{id:guid}/versions/{version:int}/deidentification-decisions"] = 'D',
        ["POST /datasets/{id:guid}/deidentification-decisions/{decisionId:guid}/rescission"] = 'D',
        ["POST /datasets/{id:guid}/licenses"] = 'D',
        ["POST /datasets/{id:guid}/licenses/{licenseId:guid}/amendments"] = 'D',
        ["POST /datasets/{id:guid}/licenses/{licenseId:guid}/termination"] = 'D',
        ["POST /datasets/{id:guid}/versions/{version:int}/consent-withdrawals"] = 'D',
        ["POST /irb/protocols/"] = 'I',
        ["POST /irb/protocols/{id:guid}/amendments"] = 'I',
        ["POST /irb/protocols/{id:guid}/suspension"] = 'I',
        ["POST /irb/protocols/{id:guid}/reinstatement"] = 'I',
        ["POST /irb/protocols/{id:guid}/termination"] = 'I',
        ["POST /irb/protocols/{id:guid}/closure"] = 'I',
        ["POST /models/"] = 'M',
        ["POST /models/{id:guid}/training-runs"] = 'M',
        ["POST /models/{id:guid}/versions/{modelVersion}/release"] = 'M',
        ["POST /models/{id:guid}/versions/{modelVersion}/withdrawal"] = 'M',
        ["POST /models/{id:guid}/regulatory-status"] = 'M',
        ["POST /models/{id:guid}/change-control-plans"] = 'M',
        ["POST /models/{id:guid}/versions/{modelVersion}/evaluations"] = 'M',
        ["POST /models/{id:guid}/versions/{modelVersion}/monitoring-findings"] = 'M',
        ["PUT /models/{id:guid}/versions/{modelVersion}/model-card-facts"] = 'M',
        ["POST /imports"] = 'X',
        ["GET /audit-bundles"] = 'E',
        ["POST /checkpoints/"] = 'A',
        ["GET /admin/projections"] = 'A',
        ["POST /admin/projections/{name}/rebuild"] = 'A',
        ["POST /access/api-keys/"] = 'A',
        ["GET /access/api-keys/"] = 'A',
        ["GET /access/api-keys/{id:guid}"] = 'A',
        ["POST /access/api-keys/{id:guid}/revocation"] = 'A',
        ["POST /access/api-keys/{id:guid}/expiry"] = 'A',
    };

    private IEnumerable<(string Method, string Pattern, Endpoint Endpoint)> Endpoints() =>
        api.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().SelectMany(e =>
            (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!, (Endpoint)e)));

    [Fact]
    public void Every_endpoint_has_a_decided_rule_and_every_rule_an_endpoint()
    {
        var mapped = Endpoints().Select(e => $"{e.Method} {e.Pattern}").ToHashSet();

        Assert.Empty(mapped.Except(Matrix.Keys).Order());
        Assert.Empty(Matrix.Keys.Except(mapped).Order());
    }

    [Fact]
    public void Every_endpoint_states_its_authorization_explicitly()
    {
        var implicitOnes = Endpoints()
            .Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null && !e.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null))
            .Select(e => $"{e.Method} {e.Pattern}");

        Assert.Empty(implicitOnes);
    }

    [Fact]
    public async Task Each_caller_is_allowed_exactly_what_its_roles_allow()
    {
        var resources = await LedgerResources.CreateAsync(api);
        var clients = await ClientsAsync();
        var failures = new List<string>();
        foreach (var (method, pattern, _) in Endpoints())
        {
            var rule = Matrix[$"{method} {pattern}"];
            foreach (var (caller, client) in clients)
            {
                using var response = await client.SendAsync(Request(method, resources.Path(pattern), pattern));
                var status = (int)response.StatusCode;
                var expected = Allowed[rule].Contains(caller) ? "allowed"
                    : caller == Caller.Anonymous ? "401" : "403";
                var actual = status is 401 or 403 ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : status >= 500 ? $"{status}!" : "allowed";
                if (actual != expected)
                {
                    failures.Add($"{method} {pattern} as {caller}: expected {expected}, got {status} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_refused_caller_learns_nothing_about_whether_the_id_exists()
    {
        var resources = await LedgerResources.CreateAsync(api);
        var clients = await ClientsAsync();
        var failures = new List<string>();
        foreach (var (method, pattern, _) in Endpoints().Where(e => e.Pattern.Contains("{id:guid}", StringComparison.Ordinal)))
        {
            var rule = Matrix[$"{method} {pattern}"];
            // A steward of another institution may read the dataset, so its existence is no secret to
            // them: their write is refused by institution once the dataset is found.
            foreach (var (caller, client) in clients.Where(c => !Allowed[rule].Contains(c.Key) && !(rule == 'D' && c.Key == Caller.StewardOfAnotherInstitution)))
            {
                using var existing = await client.SendAsync(Request(method, resources.Path(pattern), pattern));
                using var missing = await client.SendAsync(Request(method, resources.Path(pattern, randomIds: true), pattern));
                var (a, b) = (await LedgerResources.ReadAsync(existing), await LedgerResources.ReadAsync(missing));
                if (existing.StatusCode != missing.StatusCode || a.GetProperty("detail").GetString() != b.GetProperty("detail").GetString())
                {
                    failures.Add($"{method} {pattern} as {caller}: {(int)existing.StatusCode} for an existing id, {(int)missing.StatusCode} for a missing one");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<Dictionary<Caller, HttpClient>> ClientsAsync() => new()
    {
        [Caller.Anonymous] = api.Anonymous(),
        [Caller.Steward] = await api.ClientAsync(Role.Steward),
        [Caller.StewardOfAnotherInstitution] = await api.ClientAsync(Role.Steward, ApiFixture.OtherInstitution),
        [Caller.IrbReviewer] = await api.ClientAsync(Role.IrbReviewer),
        [Caller.Regulator] = await api.ClientAsync(Role.Regulator),
        [Caller.Admin] = api.Client,
    };

    /// <summary>
    /// A request that gets past authorization without writing anything when allowed: an empty JSON
    /// object (a 422 from validation), except a registration naming the steward's institution, and
    /// an empty import.
    /// </summary>
    private static HttpRequestMessage Request(string method, string path, string pattern)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = pattern switch
            {
                "/imports" => new StringContent("", Encoding.UTF8, "application/x-ndjson"),
                "/datasets/" => new StringContent($"{{\"sourceInstitution\": \"{ApiFixture.Institution}\"}}", Encoding.UTF8, "application/json"),
                _ => new StringContent("{}", Encoding.UTF8, "application/json"),
            };
        }

        return request;
    }
}
