// The limits every reader enforces before it allocates, recurses or expands (docs/usage.md, "Limits").
// Each refusal names the limit and its value, so a user knows what was too large and by how much.
#pragma once

#include <cstdint>

namespace icl::limits {

// Bytes read from one input file (parameter files, .npy/.npz archives, claim files). A larger file, or
// an endless stream such as /dev/zero, is refused once this many bytes have been read.
inline constexpr std::uint64_t kMaxFileBytes = 32ull << 20;  // 32 MiB

// Uncompressed bytes of one .npz archive entry, checked against the entry's declared size before
// anything is inflated, and against what inflate actually produces.
inline constexpr std::uint64_t kMaxArchiveEntryBytes = 32ull << 20;  // 32 MiB

// D = d + 2, the token size of a parameter file; checked before a matrix is allocated.
inline constexpr long kMaxFileTokenSize = 258;  // d <= 256

// Matrix entries of one parameter file (L x H x matrices x D x D), checked before allocation.
inline constexpr std::uint64_t kMaxFileEntries = 1ull << 20;

// Values in one list option (--shots 0:999999), as the command line reads it.
inline constexpr long kMaxListValues = 1'000'000;

// Nesting of a claim-file expression: parentheses, risk(...) atoms and unary signs, each one level.
inline constexpr int kMaxNestingDepth = 200;

// The total degree a claim-file expression can reach, bounded from its syntax before anything is
// expanded: a product adds its factors' degrees, a power multiplies, a quotient adds numerator and
// denominator (so (x^64)^64 is refused at the outer power, not when GMP runs out of memory).
inline constexpr long kMaxExpressionDegree = 256;

// Terms a claim-file expression's numerator or denominator can reach when expanded, bounded from its
// syntax like the degree (a sum adds its parts' terms, a product multiplies them, a k-th power of T
// terms has at most C(T + k - 1, k)): nested fractions of degree 243 in two symbols were within the
// degree limit and made GiNaC's normal form ask for 322 MB at once.
inline constexpr double kMaxExpressionTerms = 10000;

// Bits of a number that a power of numbers can build in a claim-file expression ((2^64)^64 is 4096).
inline constexpr long kMaxNumberBits = 1L << 16;

// Degree (summed over its symbols) past which `verify` prints a polynomial of its evidence expanded
// instead of factored: GiNaC's factorization grows exponentially with the degree (a stationary point
// at c^192 factored for minutes).
inline constexpr long kMaxFactoredDegree = 48;

// Points of one sweep study (the product of its axes' lengths), checked before any point is built: a
// study is validated point by point (about 1 ms each) and its points are held in memory.
inline constexpr std::uint64_t kMaxStudyPoints = 100'000;

// Characters of an offending input quoted in an error message (the rest is elided with its size).
inline constexpr std::uint64_t kMaxQuotedChars = 60;

}  // namespace icl::limits
