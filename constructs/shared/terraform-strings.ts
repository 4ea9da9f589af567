/** Helpers for literal text inside synthesised Terraform JSON, where every string is a template. */

/**
 * Escapes `${` and `%{` so Terraform keeps them as literal text, as a buildspec's shell
 * variables need. Terraform turns `$${` back into `${` and `%%{` into `%{`.
 */
export function escapeTerraformTemplate(text: string): string {
  return text.replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
}
