using System.Text.RegularExpressions;
using Provenance.Testing;

namespace Provenance.Api.Tests.Deployment;

/// <summary>
/// #8: the deployment files say what docs/operations.md says they do. No container engine runs
/// where these tests run, so they are read, not run: the image's stages, the Compose services and
/// their health checks, and the Kubernetes Deployment's probes, limits and secret references.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Root = Repository.Root;

    [Fact]
    public void The_image_builds_the_explorer_then_the_api_and_cli_and_runs_unprivileged_with_a_health_check()
    {
        var dockerfile = Read("deploy/Dockerfile");
        var stages = Regex.Matches(dockerfile, @"^FROM\s+(\S+)\s+AS\s+(\S+)", RegexOptions.Multiline).Select(m => (Image: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();

        Assert.Equal(["explorer", "build", "runtime"], stages.Select(s => s.Name));
        Assert.StartsWith("node:", stages[0].Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10", stages[1].Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10", stages[2].Image, StringComparison.Ordinal);
        Assert.Contains("npm run build", dockerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/Provenance.Api/Provenance.Api.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/Provenance.Cli/Provenance.Cli.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^USER app$", dockerfile);
        Assert.Matches(@"(?m)^HEALTHCHECK .*/health/ready", dockerfile);
        // Every file the image copies exists in the repository.
        foreach (Match copy in Regex.Matches(dockerfile, @"^COPY (?!--from)(.+) \S+$", RegexOptions.Multiline))
        {
            foreach (var source in copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), $"the Dockerfile copies {source}, which does not exist");
            }
        }
    }

    [Fact]
    public void Compose_starts_postgres_and_the_api_with_the_demo_seeds_each_health_checked()
    {
        var compose = Read("docker-compose.yml");

        Assert.Matches(@"(?ms)^  postgres:.*?image: postgres:15.*?healthcheck:.*?pg_isready", compose);
        Assert.Matches(@"(?ms)^  api:.*?dockerfile: deploy/Dockerfile.*?condition: service_healthy.*?healthcheck:.*?/health/ready", compose);
        Assert.Contains("Provenance__Seed__Path: /app/seeds", compose, StringComparison.Ordinal);
        Assert.Contains("./deploy/docker/initdb:/docker-entrypoint-initdb.d", compose, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "deploy/docker/initdb/10-provenance-roles.sh")));
        // The run-time role is the one every request uses; the owner only migrates.
        Assert.Contains("ConnectionStrings__Provenance: Host=postgres;Port=5432;Database=provenance;Username=provenance_app", compose, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__ProvenanceMigrations: Host=postgres;Port=5432;Database=provenance;Username=provenance_owner", compose, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kubernetes_deployment_has_probes_limits_and_takes_its_secrets_from_a_secret()
    {
        var deployment = Read("deploy/k8s/deployment.yaml");
        var configMap = Read("deploy/k8s/configmap.yaml");
        var kustomization = Read("deploy/k8s/kustomization.yaml");

        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            Assert.Matches($@"(?ms){probe}:\s+httpGet:\s+path: /health/(live|ready)", deployment);
        }

        Assert.Matches(@"(?ms)limits:\s+cpu: ""2""\s+memory: 512Mi", deployment);
        foreach (var secret in new[] { "ConnectionStrings__Provenance", "ConnectionStrings__ProvenanceMigrations", "Provenance__Integrity__SigningKeyPem" })
        {
            Assert.Matches($@"(?ms)- name: {secret}\s+valueFrom:\s+secretKeyRef:", deployment);
        }

        Assert.DoesNotContain("Password", configMap, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("PRIVATE KEY", configMap, StringComparison.Ordinal);
        var resources = Regex.Matches(kustomization, @"^  - (\S+\.yaml)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("deployment.yaml", resources);
        Assert.DoesNotContain("secret.example.yaml", resources);
        foreach (var resource in resources)
        {
            Assert.True(File.Exists(Path.Combine(Root, "deploy/k8s", resource)), $"the kustomization lists {resource}, which does not exist");
        }
    }

    private static string Read(string path) => File.ReadAllText(Path.Combine(Root, path));
}
