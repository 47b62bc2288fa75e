namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>Every request in arrival order; the answer's status is filled in when it is sent.</summary>
internal sealed class RequestJournal
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            return _entries.Select(e => e.Request).ToList();
        }
    }

    public Entry Begin(RecordedRequest request)
    {
        var entry = new Entry(request);
        lock (_gate)
        {
            _entries.Add(entry);
        }

        return entry;
    }

    public void Complete(Entry entry, int status)
    {
        lock (_gate)
        {
            entry.Request = entry.Request with { ResponseStatus = status };
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    /// <summary>A slot in the journal; Reset drops slots, and completing a dropped one changes nothing visible.</summary>
    internal sealed class Entry(RecordedRequest request)
    {
        public RecordedRequest Request { get; set; } = request;
    }
}
