using JourneyML.Core.Scoring;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Serving;

/// <summary>A list answered as CSV: the one export shape of the CLI, in the layout asked for (<c>?layout=</c>), for Excel when asked (<c>?excel=true</c>).</summary>
public static class CsvAnswer
{
    /// <summary>Endpoint metadata: the list can also be answered as CSV (the OpenAPI document says so).</summary>
    public sealed class Metadata;

    /// <summary>Marks an endpoint whose list can be answered as CSV.</summary>
    public static RouteHandlerBuilder ProducesCsv(this RouteHandlerBuilder builder) => builder.WithMetadata(new Metadata());

    /// <summary>True when the request asks for CSV: Accept: text/csv, format=csv, or a CSV-only parameter (layout, excel).</summary>
    public static bool Wanted(HttpRequest request, string? format, string? layout, bool? excel) =>
        Cursor.WantsCsv(request, format) || layout is not null || excel is not null;

    /// <summary>Adds the check of <c>layout</c> to a request's field checks.</summary>
    public static Errors.FieldErrors Layout(this Errors.FieldErrors errors, string? layout) =>
        errors.OneOf("layout", layout, [.. ExportFormat.LayoutNames]);

    /// <summary>The CSV file (UTF-8; with a BOM and CRLF for Excel), named for a browser's download.</summary>
    public static FileContentHttpResult File(Snapshot snapshot, IEnumerable<CustomerRow> rows, string? layout, bool? excel, string name)
    {
        var format = new ExportFormat(ExportFormat.ParseLayout(layout, "layout"), excel ?? false);
        var bytes = CustomerExport.Bytes(CustomerExport.PassThroughNames(snapshot), rows, format);
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"{name}-{snapshot.AsOf:yyyy-MM-dd}-{ExportFormat.Name(format.Layout)}.csv");
    }
}
