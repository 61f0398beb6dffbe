using System.ComponentModel.DataAnnotations;

namespace JourneyML.Api.Serving;

/// <summary>Where the model registry lives (section "Registry"). The embedded default is the repository's models/ folder.</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "models";
}
