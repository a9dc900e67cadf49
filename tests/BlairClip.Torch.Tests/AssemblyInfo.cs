// The memory test reads the process RSS; other tests allocating in parallel would blur it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
