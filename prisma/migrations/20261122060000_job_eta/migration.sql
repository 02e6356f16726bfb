-- Seconds left of a running export, written by the worker from its measured throughput.
ALTER TABLE "export_jobs" ADD COLUMN "eta_seconds" INTEGER;
