import { notFound, unauthorized } from '../errors.js';

/**
 * One answer for unknown, tampered, expired, revoked and used-up links alike, so a visitor
 * (or someone guessing tokens) learns nothing about which links exist.
 */
export const shareNotFound = () =>
  notFound('Share link', 'SHARE_NOT_FOUND', 'This share link does not exist, has expired, was revoked or has reached its view limit: ask its owner for a new link');

export const sharePasswordRequired = () =>
  unauthorized('This share link is protected by a password: send it in the x-share-password header (or enter it on the page)', 'SHARE_PASSWORD_REQUIRED');

export const sharePasswordWrong = () => unauthorized('Wrong password for this share link: check it and try again', 'SHARE_PASSWORD_INVALID');
