// The length rule of a password someone chooses, apart from the hashing so that browser
// code (the admin's user forms) can check it without pulling in crypto.

/** The shortest password anyone may choose (the change-password form, OUTPORT_ADMIN_PASSWORD). */
export const PASSWORD_MIN_LENGTH = 12;
/** The longest: sign-in refuses anything longer before hashing it. */
export const PASSWORD_MAX_LENGTH = 1024;
