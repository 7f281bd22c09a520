//! s6-overlay's `logutil-service` and `logutil-newfifo`.
