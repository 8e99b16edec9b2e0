export const SF_CLIENT_ID = "3MVG9ZlwDpvt1lYmzB5UvoTad_.q5QMegD5vfX3i1HDY0hWokTpXtZVuKRT_L_K4kxegm7LKhdiXWnhiId2BJ";
export const SF_CLIENT_SECRET = "7513047454207447032";

export async function token(instance: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: SF_CLIENT_ID,
    client_secret: SF_CLIENT_SECRET,
  });
  const res = await fetch(`${instance}/services/oauth2/token`, { method: "POST", body });
  return (await res.json()).access_token;
}
