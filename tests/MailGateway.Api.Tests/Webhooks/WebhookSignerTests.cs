using System.Security.Cryptography;
using System.Text;
using MailGateway.Api.Webhooks;

namespace MailGateway.Api.Tests.Webhooks;

public class WebhookSignerTests
{
    // The example of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks, libraries/*/tests).
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Payload = "{\"test\": 2432232314}";

    [Fact]
    public void Matches_the_standard_webhooks_reference_vector()
    {
        var signature = WebhookSigner.Sign(Secret, MessageId, Timestamp, Payload);
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Matches_an_independent_computation()
    {
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        using var hmac = new HMACSHA256(key);
        var expected = "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{MessageId}.{Timestamp}.{Payload}")));
        Assert.Equal(expected, WebhookSigner.Sign(Secret, MessageId, Timestamp, Payload));
    }

    [Fact]
    public void Changing_any_part_changes_the_signature()
    {
        var original = WebhookSigner.Sign(Secret, MessageId, Timestamp, Payload);
        Assert.NotEqual(original, WebhookSigner.Sign(Secret, MessageId + "x", Timestamp, Payload));
        Assert.NotEqual(original, WebhookSigner.Sign(Secret, MessageId, Timestamp + 1, Payload));
        Assert.NotEqual(original, WebhookSigner.Sign(Secret, MessageId, Timestamp, Payload + " "));
        Assert.NotEqual(original, WebhookSigner.Sign(WebhookSigner.NewSecret(), MessageId, Timestamp, Payload));
    }

    [Fact]
    public void Rotation_header_carries_one_signature_per_secret_separated_by_spaces()
    {
        var next = WebhookSigner.NewSecret();
        var header = WebhookSigner.SignatureHeaderValue([next, Secret], MessageId, Timestamp, Payload);
        var parts = header.Split(' ');
        Assert.Equal([WebhookSigner.Sign(next, MessageId, Timestamp, Payload), WebhookSigner.Sign(Secret, MessageId, Timestamp, Payload)], parts);
    }

    [Fact]
    public void New_secrets_are_whsec_base64_of_at_least_24_random_bytes()
    {
        var a = WebhookSigner.NewSecret();
        var b = WebhookSigner.NewSecret();
        Assert.NotEqual(a, b);
        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.InRange(Convert.FromBase64String(a[6..]).Length, 24, 32);
        Assert.True(WebhookSigner.IsValidSecret(a));
        Assert.False(WebhookSigner.IsValidSecret("whsec_short"));
    }
}
