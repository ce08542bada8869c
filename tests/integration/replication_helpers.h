// Helpers shared by the replication and seeding tests: INFO fields, digests,
// convergence of replicas, and a mixed dataset of every type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {

std::string info(Client& c);  // INFO replication
std::string digest(Client& c);  // DEBUG DIGEST

// Every replica has applied everything the primary had when this was
// called, and all hold the same data.
bool converged(Client& primary, const std::vector<Client*>& replicas, milliseconds timeout = milliseconds(30000));

// A restarted primary that knows replicas compares its data with theirs
// (seeding) before it serves: true once it does (INFO seeding absent or 0).
bool serving(Client& c, milliseconds timeout = milliseconds(30000));

// `count` keys of every type, pipelined: strings (a fifth with a TTL),
// lists, hashes, sets, sorted sets, streams and note trees.
void write_mixed(Client& c, int first, int count);

// Changes that exercise the deterministic rewrites: relative TTLs,
// SPOP, INCRBYFLOAT, blocking pops, trimming with '~', MULTI/EXEC.
void write_rewritten(Client& c);

}  // namespace arbor::test
