using System.Globalization;
using System.Text.Json;
using GraphQL.Types;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>The <c>JSON</c> scalar: any JSON value (event payloads keep the exact shape webhooks and SignalR get).</summary>
public sealed class JsonGraphType : ComplexScalarGraphType
{
    public JsonGraphType()
    {
        Name = "JSON";
        Description = "Any JSON value.";
    }

    public override object? Serialize(object? value) => value is JsonElement json ? ToPlain(json) : base.Serialize(value);

    private static object? ToPlain(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => json.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => json.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => json.GetString(),
        JsonValueKind.Number => json.TryGetInt64(out var l) ? l : json.TryGetDecimal(out var d) ? d : double.Parse(json.GetRawText(), CultureInfo.InvariantCulture),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
