// GET|POST /api/auth/* – next-auth: sign-in (counted and throttled before the password is
// checked), sign-out, session, CSRF. lib/auth/auth-route.ts says what is done around it.
import { handleAuthRequest } from "@/lib/auth/auth-route";
import { withUser } from "@/lib/http/handler";

type Params = { nextauth: string[] };

const handle = withUser<Params>(({ req, params, locale }) => handleAuthRequest(req, params.nextauth ?? [], locale), {
  public: true,
});

export { handle as GET, handle as POST };
