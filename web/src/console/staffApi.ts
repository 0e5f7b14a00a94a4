// The API as the signed-in staff member: every call carries the ID token; a 401 signs out.
import { api, ApiError, type Call } from "../shared/api";
import { bearer, signOut } from "./auth";

export async function staffApi<T>(path: string, call: Omit<Call, "token"> = {}): Promise<T> {
  try {
    return await api<T>(path, { ...call, token: bearer() });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) signOut();
    throw error;
  }
}
