// Every test here starts host processes and loads one small machine; they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
