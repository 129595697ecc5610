using System.Reflection;
using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Infrastructure.Mediation;

/// <summary>
/// MediatR 5.1.0 wiring by hand (its DI package needs a newer MediatR than the registry offers):
/// the service factory, every handler and validator of this assembly, and the pipeline in order:
/// logging, then access, then validation, then idempotency (commands only), then the handler.
/// </summary>
internal static class MediatorRegistration
{
    public static IServiceCollection AddMediation(this IServiceCollection services)
    {
        services.AddScoped<ServiceFactory>(provider => provider.GetService!);
        services.AddScoped<IMediator, Mediator>();
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(LoggingBehavior<,>));
        // #6: who may send the request, before anything looks at what it says.
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(Access.AccessBehavior<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));

        foreach (var type in typeof(MediatorRegistration).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType))
            {
                var definition = contract.GetGenericTypeDefinition();
                if (definition == typeof(IRequestHandler<,>) || definition == typeof(IValidator<>))
                {
                    services.AddScoped(contract, type);
                }
            }

            if (typeof(ICommand).IsAssignableFrom(type))
            {
                services.AddScoped(
                    typeof(IPipelineBehavior<,>).MakeGenericType(type, typeof(CommandResult)),
                    typeof(IdempotencyBehavior<>).MakeGenericType(type));
            }
        }

        return services;
    }
}
