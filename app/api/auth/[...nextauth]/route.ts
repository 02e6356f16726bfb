// GET|POST /api/auth/* – next-auth: sign-in, sign-out, session, CSRF
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/auth-options";
import { withUser } from "@/lib/http/handler";

type Params = { nextauth: string[] };

const nextAuth = NextAuth(authOptions) as (req: Request, context: { params: Promise<Params> }) => Promise<Response>;
const handle = withUser<Params>(({ req, params }) => nextAuth(req, { params: Promise.resolve(params) }), {
  public: true,
});

export { handle as GET, handle as POST };
