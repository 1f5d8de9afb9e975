namespace MailGateway.Api.Sending;

/// <summary>Lease tokens of outbox claims whose answer never came (a timeout while Redis stalled): Redis may have run the
/// claim after all, leaving a submission leased to nobody. The next claim hands them to the claim script, which puts
/// such submissions back on the due list at once instead of after the whole lease. At most <see cref="Max"/> are kept
/// (older ones simply wait out their lease).</summary>
internal sealed class LeftoverClaims
{
    private const int Max = 100;
    private readonly Lock _lock = new();
    private List<string> _tokens = [];

    /// <summary>Takes every kept token (the caller keeps them again if its claim fails too).</summary>
    public IReadOnlyList<string> Take()
    {
        lock (_lock)
        {
            var taken = _tokens;
            _tokens = [];
            return taken;
        }
    }

    public void Keep(IEnumerable<string> tokens)
    {
        lock (_lock)
        {
            _tokens.AddRange(tokens);
            if (_tokens.Count > Max) _tokens.RemoveRange(0, _tokens.Count - Max);
        }
    }
}
