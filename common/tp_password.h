/*
 * Staff passwords: scrypt hashing and verification, the rule a new password
 * must meet, and generated passwords for first sign-in printouts. The
 * stored form is one string, "scrypt$N$r$p$<salt>$<hash>" with the salt and
 * hash in standard base64, so the cost can be raised later and old hashes
 * still verify. Participants have no passwords; their cards carry tokens
 * (tp_token.h).
 */
#ifndef TP_PASSWORD_H
#define TP_PASSWORD_H

#include <stdbool.h>

/* The cost of new hashes: about 32 MiB and a tenth of a second. */
#define TP_SCRYPT_N 32768
#define TP_SCRYPT_R 8
#define TP_SCRYPT_P 1

/*
 * Hashes password with a fresh 16-byte salt and the TP_SCRYPT_* cost into
 * a new encoded string, transferred to the caller in *out (free it).
 * Returns 0, -EINVAL when password is NULL, or -EIO when the random
 * generator or scrypt fails (*out is then NULL).
 */
int tp_password_hash(const char *password, char **out);

/*
 * Checks password against an encoded string from tp_password_hash (or one
 * with other parameters). The parameters are read from the string and
 * refused beyond N = 2^20, r = 32, p = 16 and 1 GiB of memory (128 * N * r),
 * so a tampered row cannot make the server spend minutes or gigabytes.
 * The comparison is constant time. Returns 0 when the password matches,
 * -EACCES when it does not, -EINVAL when encoded is malformed or out of
 * those bounds (or an argument is NULL), -EIO when scrypt itself fails.
 */
int tp_password_verify(const char *password, const char *encoded);

/*
 * A new random password a person can type from a printout: four groups of
 * four characters from "abcdefghjkmnpqrstuvwxyz23456789" (no 0, o, 1, l, i)
 * joined by '-', e.g. "k7wq-3mzd-hx9a-p2rt": about 79 bits. Transferred to
 * the caller. Aborts if the system CSPRNG fails.
 */
char *tp_password_generate(void);

/*
 * Whether password may be chosen as a staff password: valid UTF-8, at least
 * 10 characters (code points) and at most 200 bytes. When it is not, *why
 * (if why is not NULL) gets a static reason that reads after "The password":
 * "is not valid UTF-8", "must be at least 10 characters long" or "must be
 * at most 200 bytes long".
 */
bool tp_password_acceptable(const char *password, const char **why);

#endif
