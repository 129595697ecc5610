namespace Provenance.Domain.Datasets;

/// <summary>What kind of clinical data a dataset holds.</summary>
public enum Modality
{
    StructuredEhr,
    ClinicalNotes,
    ImagingCt,
    ImagingMri,
    ImagingXray,
    PathologySlides,
    EcgWaveforms,
    Genomics,
    Other,
}
