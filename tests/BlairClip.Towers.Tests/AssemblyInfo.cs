// Every test loads libtorch models; running them one at a time keeps the 2-core build machine responsive and the
// thread pool of libtorch uncontended.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
