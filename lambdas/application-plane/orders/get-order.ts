// NOTE: thin handler; the service implementation replaces it.
export const handler = async (): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 501,
  body: JSON.stringify({ message: 'order-get is not implemented yet' }),
});
