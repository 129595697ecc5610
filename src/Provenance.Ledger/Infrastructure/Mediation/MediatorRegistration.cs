using System.Reflection;
using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Infrastructure.Mediation;

/// <summary>
/// MediatR 5.1.0 wiring by hand (its DI package needs a newer MediatR than the registry offers):
/// the service factory, every handler and validator of this assembly, and the pipeline in order:
/// logging, then access, then validation (queries; a write is checked by its parser), then the handler
/// (a write's: <see cref="CommandHandler{TCommand, TValid}"/>, which answers a retry from its first result).
/// </summary>
internal static class MediatorRegistration
{
    public static IServiceCollection AddMediation(this IServiceCollection services)
    {
        services.AddScoped<ServiceFactory>(provider => provider.GetService!);
        services.AddScoped<IMediator, Mediator>();
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(DiagnosticsBehavior<,>));
        // #6: who may send the request, before anything looks at what it says.
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(Access.AccessBehavior<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));

        foreach (var type in typeof(MediatorRegistration).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType))
            {
                var definition = contract.GetGenericTypeDefinition();
                if (definition == typeof(IRequestHandler<,>) || definition == typeof(IValidator<>) ||
                    definition == typeof(ICommandParser<,>) || definition == typeof(ICommandHandler<>))
                {
                    services.AddScoped(contract, type);
                }

                // A write: checked, answered from its first result when retried, then decided (CommandHandler).
                if (definition == typeof(ICommand<>))
                {
                    services.AddScoped(typeof(IRequestHandler<,>).MakeGenericType(type, typeof(CommandResult)),
                        typeof(CommandHandler<,>).MakeGenericType(type, contract.GetGenericArguments()[0]));
                }
            }
        }

        return services;
    }
}
