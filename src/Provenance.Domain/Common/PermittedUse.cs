namespace Provenance.Domain.Common;

/// <summary>What an approval or a license allows the data to be used for.</summary>
public enum PermittedUse
{
    Research,
    ModelTraining,
    CommercialUse,
    Redistribution,
    DerivativeWorks,
}
