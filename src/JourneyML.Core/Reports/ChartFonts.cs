using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace JourneyML.Core.Reports;

/// <summary>
/// Charts rendered without a font have no text and raise no error, and a fresh machine may have no fonts at all:
/// the core library ships DejaVu Sans as an embedded resource and makes it ScottPlot's default font.
/// </summary>
internal static class ChartFonts
{
    public const string Family = "DejaVu Sans";
    private const string ResourceName = "JourneyML.Core.Reports.Fonts.DejaVuSans.ttf";

    private static readonly Lazy<SKData> s_fontData = new(LoadFontData);
    private static readonly Lazy<bool> s_registered = new(Register);

    /// <summary>Registers the shipped font with ScottPlot once per process; safe to call from any thread.</summary>
    public static void EnsureRegistered() => _ = s_registered.Value;

    /// <summary>A new typeface of the shipped font (ScottPlot may dispose what a resolver returns, so never share one).</summary>
    public static SKTypeface CreateTypeface() =>
        SKTypeface.FromData(s_fontData.Value) ?? throw new InvalidOperationException("the embedded DejaVu Sans font could not be read");

    private static SKData LoadFontData()
    {
        using var stream = typeof(ChartFonts).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource '{ResourceName}' is missing from {typeof(ChartFonts).Assembly.GetName().Name}");
        return SKData.Create(stream);
    }

    private static bool Register()
    {
        // Stream-based resolver: no temporary font file to extract, clean up or race on.
        Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
        Fonts.Default = Family;
        return true;
    }

    private sealed class EmbeddedFontResolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            Matches(fontName) ? ChartFonts.CreateTypeface() : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            Matches(fontName) ? ChartFonts.CreateTypeface() : null;

        private static bool Matches(string fontName) => string.Equals(fontName, Family, StringComparison.OrdinalIgnoreCase);
    }
}
