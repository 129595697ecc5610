using Provenance.Api.Access;
using Provenance.Api.Models.AuthorizingChangeControlPlan;
using Provenance.Api.Models.ChangingModelVersion;
using Provenance.Api.Models.Disclosing;
using Provenance.Api.Models.EvaluatingPerformance;
using Provenance.Api.Models.GettingEvents;
using Provenance.Api.Models.GettingModel;
using Provenance.Api.Models.GettingModelVersion;
using Provenance.Api.Models.GettingTrainingRun;
using Provenance.Api.Models.ListingModels;
using Provenance.Api.Models.RecordingModelCardFacts;
using Provenance.Api.Models.RecordingMonitoringFinding;
using Provenance.Api.Models.RecordingRegulatoryStatus;
using Provenance.Api.Models.RecordingTrainingRun;
using Provenance.Api.Models.RegisteringModel;
using Provenance.Api.Models.ReviewingChangeControl;

namespace Provenance.Api.Models;

/// <summary>Models, their versions and the training runs that made them.</summary>
internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("/models").WithTags("Models").RequireAuthorization(AccessPolicies.Read);
        var writes = app.MapGroup("/models").WithTags("Models").RequireAuthorization(AccessPolicies.ModelWrite);

        writes.MapRegisterModel();
        reads.MapListModels();
        reads.MapGetModel();
        reads.MapGetModelVersion();
        reads.MapGetTrainingRun();
        reads.MapGetModelEvents();
        writes.MapRecordTrainingRun();
        writes.MapChangeModelVersion();

        // #18: the model's regulatory facts and evidence.
        writes.MapRecordRegulatoryStatus();
        writes.MapAuthorizeChangeControlPlan();
        writes.MapRecordPerformanceEvaluation();
        writes.MapRecordMonitoringFinding();
        writes.MapRecordModelCardFacts();
        reads.MapGetChangeControl();
        reads.MapGetModelDocuments();
        return app;
    }
}
