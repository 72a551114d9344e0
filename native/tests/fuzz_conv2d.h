// One fuzz case of the native entry (plan_conv2d -> pack_conv2d_weights ->
// conv2d_forward), decoded from bytes; see fuzz_conv2d.cc for the format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sc2d_test {

enum class FuzzOutcome {
  kValid,     // a valid layer, run and checked against the reference
  kRejected,  // an invalid call, refused with an error and nothing written
  kFailed,    // a check failed (reported through report_failure)
};

struct FuzzResult {
  FuzzOutcome outcome = FuzzOutcome::kFailed;
  std::string description;  // the decoded case, one line
};

// Decodes and runs one case. Any byte string is a case (missing bytes read as
// zeros). Sets the thread count and the channels_first tuning for the call
// and restores both, so cases must not run concurrently.
FuzzResult run_fuzz_case(const std::uint8_t* data, std::size_t size);

// When on, run_fuzz_case prints each case's description before it calls the
// library (for --replay and --verbose: a crash then names its case).
void announce_fuzz_cases(bool on);

// The kernel tables cases choose from (runnable_tables()), comma separated.
std::string fuzz_table_names();

}  // namespace sc2d_test
