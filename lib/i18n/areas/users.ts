// Messages of user management by admins — the API's refusals and the audit trail's names —
// in English and Korean. Spread into en.ts and ko.ts; the Korean object must have exactly
// the English keys.
export const usersEn = {
  "audit.action.user_created": "User created",
  "audit.action.user_updated": "User changed",
  "audit.action.user_deactivated": "User deactivated",
  "audit.action.password_reset": "Password reset",
  "error.user.notFound": "No such user.",
  "error.user.emailTaken": "A user with this e-mail address already exists.",
  "error.user.emailTakenField": "is already used by another user",
  "error.user.lastAdmin":
    "This is the last active administrator: make another user an administrator before demoting or deactivating this one.",
} as const;

export const usersKo: Record<keyof typeof usersEn, string> = {
  "audit.action.user_created": "사용자 생성",
  "audit.action.user_updated": "사용자 변경",
  "audit.action.user_deactivated": "사용자 비활성화",
  "audit.action.password_reset": "비밀번호 재설정",
  "error.user.notFound": "해당 사용자가 없습니다.",
  "error.user.emailTaken": "이 이메일 주소를 쓰는 사용자가 이미 있습니다.",
  "error.user.emailTakenField": "다른 사용자가 이미 쓰고 있습니다",
  "error.user.lastAdmin":
    "마지막으로 남은 활성 관리자입니다. 이 사용자의 역할을 바꾸거나 비활성화하기 전에 다른 사용자를 관리자로 지정하세요.",
};
